import datetime
import io
import types
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from directory.models import Department, DepartmentKind
from directory.roles import role_group
from tests.directory.factories import CadreFactory

TZ = datetime.timezone(datetime.timedelta(hours=8))


def local(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def pdf(name="材料.pdf", size=None):
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    if size:
        body = body + b"0" * (size - len(body))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def png(name="照片.png"):
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")


def docx(name="申请书.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def application_form(item, city, second_material=None):
    """The online application form for `item` at the city centre, its two materials attached (the second may vary)."""
    first, second = list(item.materials.all())[:2]
    return {
        "service_centre": city.centre.pk,
        "applicant_kind": "person",
        "applicant_name": "李四",
        "applicant_phone": "13912345678",
        f"material_{first.pk}": docx(),
        f"material_{second.pk}": second_material or pdf(),
    }


def decide_every_step(app, staff):
    """Approve each open review step with its department's handler until the case is decided; returns it fresh."""
    from approvals import services

    app.refresh_from_db()
    while app.state == "in_review":
        for step in app.steps.filter(state="active").select_related("department"):
            who = {"QH-ZJJ": staff.zjj, "QH-WJW": staff.wjw}.get(step.department.code, staff.sjj)
            services.decide_step(step, by=who, approve=True, opinion="同意", legal_basis="食品安全法第35条")
        app.refresh_from_db()
    return app


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPLAINTS_PRIVATE_ROOT = tmp_path / "private"  # materials and result documents are private uploads


@pytest.fixture
def city(db):
    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    centre = Department.objects.create(
        code="QH-ZWFW", name="市政务服务中心", kind=DepartmentKind.SERVICE_CENTRE, parent=city
    )
    county = Department.objects.create(code="QH-LJX", name="临江县", kind=DepartmentKind.COUNTY, parent=city)
    township = Department.objects.create(code="QH-LJX-01", name="临江镇", kind=DepartmentKind.TOWNSHIP, parent=county)
    township_centre = Department.objects.create(
        code="QH-LJX-01-BM", name="临江镇便民服务中心", kind=DepartmentKind.SERVICE_CENTRE, parent=township
    )
    bureaus = {
        code: Department.objects.create(code=code, name=name, kind=DepartmentKind.BUREAU, parent=city)
        for code, name in [
            ("QH-SJJ", "市市场监督管理局"),
            ("QH-ZJJ", "市住房和城乡建设局"),
            ("QH-WJW", "市卫生健康委员会"),
        ]
    }
    return types.SimpleNamespace(
        city=city, centre=centre, township_centre=township_centre, township=township, **bureaus_ns(bureaus)
    )


def bureaus_ns(bureaus):
    return {"sjj": bureaus["QH-SJJ"], "zjj": bureaus["QH-ZJJ"], "wjw": bureaus["QH-WJW"]}


_user_counter = iter(range(1000))


@pytest.fixture
def make_staff(db):
    def make(role, department, username=None):
        n = next(_user_counter)
        user = get_user_model().objects.create_user(username or f"{role}{n}", password="x", first_name=f"员工{n}")
        user.groups.add(role_group(role))
        CadreFactory(department=department, user=user, phone=f"+8613700{n:06d}")
        return user

    return make


@pytest.fixture
def staff(city, make_staff):
    return types.SimpleNamespace(
        window=make_staff("window_staff", city.centre),
        township_window=make_staff("window_staff", city.township_centre),
        sjj=make_staff("department_handler", city.sjj),
        sjj2=make_staff("department_handler", city.sjj),
        zjj=make_staff("department_handler", city.zjj),
        wjw=make_staff("department_handler", city.wjw),
    )


@pytest.fixture
def item(city):
    from approvals.models import ApprovalItem, ItemStep, Material, MaterialForm, Theme

    item = ApprovalItem.objects.create(
        code="QH-SJJ-001",
        name="食品经营许可",
        department=city.sjj,
        theme=Theme.BUSINESS,
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        conditions="有与经营的食品品种相适应的经营场所\n有食品安全管理人员",
        statutory_days=20,
        promised_days=5,
        fee=Decimal("0"),
    )
    item.township_centres.add(city.township_centre)
    Material.objects.create(item=item, name="食品经营许可申请书", form=MaterialForm.ORIGINAL, sort_order=1)
    Material.objects.create(item=item, name="营业执照", form=MaterialForm.COPY, sort_order=2)
    Material.objects.create(item=item, name="场所平面图", form=MaterialForm.COPY, required=False, sort_order=3)
    first = ItemStep.objects.create(item=item, order=1, name="审查", working_days=2)
    first.departments.add(city.sjj)
    joint = ItemStep.objects.create(item=item, order=2, name="并联会审", working_days=3)
    joint.departments.add(city.zjj, city.wjw)
    return item


@pytest.fixture
def submit(item, city):
    from approvals import services

    def submit(centre=None, by=None, files=None):
        materials = list(item.materials.all())
        if files is None:
            files = [(materials[0], docx()), (materials[1], pdf())]
        return services.submit_application(
            item,
            service_centre=centre or city.centre,
            applicant_kind="person",
            applicant_name="张三",
            applicant_phone="+8613912345678",
            files=files,
            by=by,
        )

    return submit
