import pytest
from django.contrib.auth.models import Permission

from sms import services
from sms.models import Campaign
from tests.directory.factories import CadreFactory, DepartmentFactory


@pytest.fixture(autouse=True)
def _fast_dispatch(settings):
    """No pacing delays or retry waits in tests unless a test sets them; no quiet hours unless a test sets them."""
    settings.SMS_RATE = 0
    settings.SMS_RETRY_BACKOFF = 0
    settings.SMS_QUIET_HOURS = ""


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user("author", password="x")


@pytest.fixture
def approver(django_user_model):
    user = django_user_model.objects.create_user("approver", password="x")
    user.user_permissions.add(Permission.objects.get(codename="approve_campaign", content_type__app_label="sms"))
    return django_user_model.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def make_campaign(author):
    def make(text="请廉洁过节，严守纪律。", **fields):
        many = {k: fields.pop(k) for k in list(fields) if k in MANY}
        fields.setdefault("all_cadres", not many and not fields.get("posts") and not fields.get("ranks"))
        campaign = Campaign.objects.create(title="测试短信", text=text, created_by=author, **fields)
        for name, values in many.items():
            getattr(campaign, name).set(values)
        return campaign

    return make


MANY = {"departments", "groups", "exclude_departments", "exclude_groups", "exclude_cadres"}


@pytest.fixture
def approved(make_campaign, author, approver):
    """A campaign submitted by its author and approved by someone else."""

    def make(**fields):
        campaign = make_campaign(**fields)
        services.submit_campaign(campaign, author)
        services.approve_campaign(campaign, approver)
        return campaign

    return make


@pytest.fixture
def cadres(db):
    def make(n, department=None, **fields):
        department = department or DepartmentFactory()
        return [CadreFactory(department=department, **fields) for _ in range(n)]

    return make


@pytest.fixture(autouse=True)
def _fresh_templates():
    """Templates and signatures are cached per process: each test starts from its own rows."""
    from sms import templating

    templating.forget()
    yield
    templating.forget()
