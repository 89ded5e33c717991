import io
import types

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from directory.models import Cadre, Department, DepartmentKind
from directory.roles import role_group
from sms import notices


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.COMPLAINTS_PRIVATE_ROOT = tmp_path / "private"


class Outbox(dict):
    original = None  # the real sms.notices.queue_notice


@pytest.fixture(autouse=True)
def sms_outbox(monkeypatch):
    """Records every queued notice (key -> (phone, body)), idempotent by key like sms.notices.queue_notice."""
    sent = Outbox()

    def queue_notice(key, phone, body=None, cadre=None, *, template=None, params=None):
        if template is not None:  # the text its SMS template renders, checked as sms.notices does
            from sms import system_templates

            body = system_templates.prepare(template, params or {})[1]
        sent.setdefault(key, (str(phone), body))
        return sent[key]

    sent.original = notices.queue_notice
    monkeypatch.setattr(notices, "queue_notice", queue_notice)
    return sent


@pytest.fixture
def city(db):
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    jw = Department.objects.create(code="QH-JW", name="市纪委监委", kind=DepartmentKind.BUREAU, parent=city)
    zjj = Department.objects.create(code="QH-ZJJ", name="市住房和城乡建设局", kind=DepartmentKind.BUREAU, parent=city)
    return types.SimpleNamespace(city=city, jw=jw, zjj=zjj)


def _user(username, role, department, phone):
    user = get_user_model().objects.create_user(username, password="pw-123456-xyz", first_name=username)
    if role:
        user.groups.add(role_group(role))
    Cadre.objects.create(name=username, phone=phone, department=department, user=user)
    return user


@pytest.fixture
def investigator(city):
    return _user("李调查", "investigator", city.jw, "+8613800138001")


@pytest.fixture
def other_investigator(city):
    return _user("王调查", "investigator", city.jw, "+8613800138002")


@pytest.fixture
def supervisor(city):
    return _user("赵监察", "supervisor", city.jw, "+8613800138003")


@pytest.fixture
def handler(city):
    return _user("钱承办", "department_handler", city.zjj, "+8613800138004")


def form_data(city, **extra):
    data = {
        "category": "demanding",
        "concerned_department": city.zjj.pk,
        "concerned_person": "张某",
        "description": "办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。",
        "is_anonymous": "1",
    }
    data.update(extra)
    return data


def cleaned(city, **extra):
    from complaints.forms import ComplaintForm

    form = ComplaintForm(form_data(city, **extra))
    assert form.is_valid(), form.errors
    return form.cleaned_data


def jpeg_with_gps():
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    gps = {1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 9.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def submit(city):
    from complaints import services

    def do(source="src", files=(), **extra):
        return services.submit_complaint(cleaned(city, **extra), files, source=source)

    return do
