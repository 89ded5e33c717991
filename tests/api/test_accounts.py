import pytest

from sms.gateways.console import GatewayBackend as Console
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db

REQUEST = "mutation($p: String!) { requestCode(phone: $p) { ok errors { field message code } expiresIn } }"
VERIFY = """mutation($p: String!, $c: String!) { verifyCode(phone: $p, code: $c) {
  ok errors { field message code } me { name isCadre } } }"""
ME = (
    "{ me { name department post isCadre smsSubscribed studyRecord { day reads } readingHistory { items { title } } } }"
)


def _sent_code():
    import re

    return re.search(r"\d{6}", Console.outbox[-1][1]).group()


def test_phone_login_flow(gql, english):
    cadre = CadreFactory(phone="+8613800138000", name="王五", post="科长")
    assert gql(REQUEST, {"p": "13800138000"})["data"]["requestCode"]["ok"]
    result = gql(VERIFY, {"p": "13800138000", "c": _sent_code()})["data"]["verifyCode"]
    assert result == {"ok": True, "errors": [], "me": {"name": "王五", "isCadre": True}}
    cadre.refresh_from_db()
    assert cadre.user is not None and not cadre.user.has_usable_password()
    assert "138" not in cadre.user.username  # never the phone number where a name shows
    me = gql(ME)["data"]["me"]
    assert me["post"] == "科长" and me["smsSubscribed"] is True
    assert gql("mutation { logout { ok } }")["data"]["logout"]["ok"]
    anonymous = gql(ME)
    assert anonymous["data"]["me"] is None
    assert anonymous["errors"][0]["extensions"]["code"] == "unauthenticated"


def test_a_citizen_logs_in_without_an_account_and_gets_my_cases(gql, english, django_user_model):
    users = django_user_model.objects.count()
    assert gql(REQUEST, {"p": "13900139001"})["data"]["requestCode"]["ok"]
    result = gql(VERIFY, {"p": "13900139001", "c": _sent_code()})["data"]["verifyCode"]
    assert result == {"ok": True, "errors": [], "me": None}
    assert django_user_model.objects.count() == users
    assert gql(ME)["errors"][0]["extensions"]["code"] == "unauthenticated"
    cases = gql("{ myCases { phone applications { trackingNumber } complaints { reference } } }")["data"]["myCases"]
    assert cases == {"phone": "139****9001", "applications": [], "complaints": []}
    assert gql("mutation { logout { ok } }")["data"]["logout"]["ok"]
    assert gql("{ myCases { phone } }")["data"]["myCases"] is None


def test_wrong_code_and_too_many_attempts_are_typed_errors(gql, english):
    CadreFactory(phone="+8613800138001")
    gql(REQUEST, {"p": "13800138001"})
    for _attempt in range(4):
        errors = gql(VERIFY, {"p": "13800138001", "c": "000000"})["data"]["verifyCode"]["errors"]
        assert errors[0]["code"] == "INVALID_CODE"
    errors = gql(VERIFY, {"p": "13800138001", "c": "000000"})["data"]["verifyCode"]["errors"]
    assert errors[0]["code"] == "TOO_MANY_ATTEMPTS"
    errors = gql(VERIFY, {"p": "13800138001", "c": _sent_code()})["data"]["verifyCode"]["errors"]
    assert errors[0]["code"] == "TOO_MANY_ATTEMPTS"


def test_expired_code_is_refused(gql, english):
    from sms.models import OneTimeCode

    CadreFactory(phone="+8613800138002")
    gql(REQUEST, {"p": "13800138002"})
    from django.utils import timezone

    OneTimeCode.objects.update(expires_at=timezone.now())
    errors = gql(VERIFY, {"p": "13800138002", "c": _sent_code()})["data"]["verifyCode"]["errors"]
    assert errors[0]["code"] == "INVALID_CODE"


def test_invalid_phone_and_rate_limit(gql, english):
    assert gql(REQUEST, {"p": "12345"})["data"]["requestCode"]["errors"][0]["code"] == "INVALID_PHONE"
    CadreFactory(phone="+8613800138003")
    gql(REQUEST, {"p": "13800138003"})
    assert gql(REQUEST, {"p": "13800138003"})["data"]["requestCode"]["errors"][0]["code"] == "RATE_LIMITED"


def test_set_sms_subscription_records_the_change(gql, client, django_user_model):
    from sms.models import SubscriptionChange

    mutation = "mutation($s: Boolean!) { setSmsSubscription(subscribed: $s) { ok subscribed errors { code } } }"
    assert gql(mutation, {"s": False})["data"]["setSmsSubscription"]["errors"][0]["code"] == "UNAUTHENTICATED"
    user = django_user_model.objects.create_user("cadre")
    cadre = CadreFactory(user=user)
    client.force_login(user)
    assert gql(mutation, {"s": False})["data"]["setSmsSubscription"] == {"ok": True, "subscribed": False, "errors": []}
    change = SubscriptionChange.objects.get(cadre=cadre)
    assert (change.opted_in, change.source, change.changed_by) == (False, "app", user)


def test_me_lists_reading_history_and_study_record(gql, client, django_user_model, home_page):
    from cms.models import ReadRecord
    from tests.cms.factories import ArticlePageFactory, SectionPageFactory

    user = django_user_model.objects.create_user("reader")
    cadre = CadreFactory(user=user)
    section = SectionPageFactory(parent=home_page)
    page = ArticlePageFactory(parent=section, title="读过的文章")
    ReadRecord.objects.create(cadre=cadre, page=page, day="2026-11-01")
    client.force_login(user)
    me = gql(ME)["data"]["me"]
    assert me["readingHistory"]["items"] == [{"title": "读过的文章"}]
