import datetime
import json

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from sms.models import Campaign
from tests.cms.factories import WarningPhraseFactory
from tests.directory.factories import CadreFactory, DepartmentFactory
from tests.sms.factories_admin import CampaignFactory, user_with_role

pytestmark = pytest.mark.django_db

LIST = "/admin/sms/campaign/"
ADD = "/admin/sms/campaign/new/"


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.cn", "pw")


@pytest.fixture
def operator():
    return user_with_role("sms_operator", "operator")


def zh(msgid, **params):
    with translation.override("zh-hans"):
        text = gettext(msgid)
    return text % params if params else text


def form_data(**overrides):
    data = {
        "title": "中秋廉洁提醒",
        "phrase": "",
        "text": "中秋将至，请严守廉洁纪律，不收受月饼礼品。",
        "link_page": "",
        "all_cadres": "on",
        "timing": "now",
        "send_at": "",
        "cron": "",
        "holiday_days_before": "1",
        "holiday_send_time": "",
        "exclude_cadres": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("who", ["superuser", "operator"])
def test_the_campaign_pages_render_in_chinese(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    CampaignFactory(title="国庆廉洁提醒", status=Campaign.Status.PENDING)
    body = client.get(LIST).content.decode()
    assert "国庆廉洁提醒" in body
    assert "新增" in body or "添加" in body  # Wagtail's own Chinese
    menu = zh("SMS platform")
    assert menu in body or json.dumps(menu)[1:-1] in body  # the menu group (in the sidebar's JSON)
    add = client.get(ADD)
    assert add.status_code == 200
    assert zh("Audience") in add.content.decode() and zh("Timing") in add.content.decode()


def test_the_list_searches_and_filters(client, superuser):
    client.force_login(superuser)
    CampaignFactory(title="春节廉洁提醒", status=Campaign.Status.DRAFT)
    CampaignFactory(title="端午廉洁提醒", status=Campaign.Status.APPROVED, timing="recurring", cron="0 9 * * 1")
    body = client.get(LIST, {"q": "春节"}).content.decode()
    assert "春节廉洁提醒" in body and "端午廉洁提醒" not in body
    body = client.get(LIST, {"status": "approved"}).content.decode()
    assert "端午廉洁提醒" in body and "春节廉洁提醒" not in body
    body = client.get(LIST, {"timing": "recurring"}).content.decode()
    assert "端午廉洁提醒" in body and "0 9 * * 1" in body


def test_a_cadre_without_roles_gets_no_access(client, django_user_model):
    user = django_user_model.objects.create_user("cadre", password="pw")
    client.force_login(user)
    assert client.get(LIST).status_code in (302, 403)
    assert client.get(ADD).status_code in (302, 403)


def test_an_operator_creates_a_campaign_and_is_recorded_as_its_author(client, operator):
    client.force_login(operator)
    department = DepartmentFactory(name="市教育局")
    response = client.post(ADD, form_data(all_cadres="", departments=[department.pk], ranks=["section"]))
    assert response.status_code == 302, response.content.decode()[-3000:]
    campaign = Campaign.objects.get()
    assert campaign.created_by == operator and campaign.status == Campaign.Status.DRAFT
    assert list(campaign.departments.all()) == [department] and campaign.ranks == ["section"]
    assert response["Location"] == f"/admin/sms/campaign/inspect/{campaign.pk}/"


def test_a_warning_phrase_can_be_the_content(client, operator):
    client.force_login(operator)
    phrase = WarningPhraseFactory(text="廉洁从政，警钟长鸣。")
    response = client.post(ADD, form_data(phrase=phrase.pk, text=""))
    assert response.status_code == 302
    assert Campaign.objects.get().phrase == phrase


def _errors_keep_input(response, *kept):
    assert response.status_code == 200
    body = response.content.decode()
    for value in kept:
        assert value in body
    assert not Campaign.objects.exists()
    return body


def test_an_empty_message_is_refused_and_the_input_kept(client, operator):
    client.force_login(operator)
    body = _errors_keep_input(client.post(ADD, form_data(text="  ")), "中秋廉洁提醒")
    assert zh("Choose a template or a warning phrase, or write the text of the message.") in body


def test_a_too_long_message_names_its_segments_and_encoding(client, operator):
    client.force_login(operator)
    text = "廉" * (67 * settings.SMS_MAX_SEGMENTS)  # plus the signature: one segment too many
    body = _errors_keep_input(client.post(ADD, form_data(text=text)), text)
    segments = settings.SMS_MAX_SEGMENTS + 1
    units = len(text) + len(settings.SMS_SIGNATURE)
    assert f"{segments}" in body and "UCS-2" in body and f"{units}" in body
    with translation.override("zh-hans"):
        expected = gettext(
            "The message is too long: %(units)d characters in %(encoding)s take %(segments)d segments; "
            "at most %(max)d are allowed."
        ) % {"units": units, "encoding": "UCS-2", "segments": segments, "max": settings.SMS_MAX_SEGMENTS}
    assert expected in body


def test_a_bad_cron_is_refused_and_kept(client, operator):
    client.force_login(operator)
    body = _errors_keep_input(client.post(ADD, form_data(timing="recurring", cron="61 25 * *")), "61 25 * *")
    assert zh("“%(cron)s” is not a valid cron expression (minute hour day month weekday).", cron="61 25 * *") in body


def test_a_send_time_in_the_past_is_refused_and_kept(client, operator):
    client.force_login(operator)
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    body = _errors_keep_input(client.post(ADD, form_data(timing="at", send_at=past)), past)
    assert zh("The time to send at must be in the future.") in body


def test_holiday_days_before_must_be_between_1_and_10(client, operator):
    client.force_login(operator)
    body = _errors_keep_input(
        client.post(ADD, form_data(timing="holiday", holiday_days_before="11", holiday_send_time="09:00")), "11"
    )
    assert zh("Enter a number of working days from 1 to %(max)d.", max=10) in body


def test_an_audience_is_required(client, operator):
    client.force_login(operator)
    body = _errors_keep_input(client.post(ADD, form_data(all_cadres="")), "中秋廉洁提醒")
    assert zh("Choose who receives the message: all cadres, departments, groups, posts or ranks.") in body


def test_excluded_cadres_are_named_by_phone(client, operator):
    client.force_login(operator)
    cadre = CadreFactory(phone="+8613811112222")
    response = client.post(ADD, form_data(exclude_cadres="138 1111 2222"))
    assert response.status_code == 302
    assert list(Campaign.objects.get().exclude_cadres.all()) == [cadre]
    body = _errors_keep_input_after_delete(client, form_data(exclude_cadres="13899998888"))
    assert "13899998888" in body


def _errors_keep_input_after_delete(client, data):
    Campaign.objects.all().delete()
    response = client.post(ADD, data)
    assert response.status_code == 200
    return response.content.decode()
