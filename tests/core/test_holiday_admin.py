"""The admin screen 系统设置 → 节假日安排: paste the notice, preview, confirm; permissions on every request."""

from pathlib import Path

import pytest
from django.urls import reverse

from core.models import HolidaySchedule

pytestmark = pytest.mark.django_db

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕9号
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至13日（周六）放假调休，共9天。2月14日（周日）上班。
2026年11月20日
"""


@pytest.fixture
def admin(django_user_model, client):
    user = django_user_model.objects.create_superuser("admin", password="x")
    client.force_login(user)
    return user


def test_the_menu_leads_to_the_years_and_each_says_where_its_dates_come_from(client, admin):
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("core_holidays") in page
    body = client.get(reverse("core_holidays")).content.decode()
    assert 'data-year="2027"' in body and 'data-year="2026"' in body


def test_preview_saves_nothing_and_confirm_saves_the_year(client, admin):
    url = reverse("core_holidays_year", args=[2027])
    preview = client.post(url, {"notice": NOTICE_2027, "preview": ""})
    assert preview.status_code == 200 and "data-preview" in preview.content.decode()
    assert 'title="春节"' in preview.content.decode()
    assert not HolidaySchedule.objects.exists()
    confirmed = client.post(url, {"notice": NOTICE_2027, "confirm": ""})
    assert confirmed.status_code == 302
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.document_number == "国办发明电〔2026〕9号" and schedule.entered_by == admin
    assert schedule.dates.count() == 8


def test_a_line_it_cannot_read_is_shown_and_nothing_is_saved(client, admin):
    url = reverse("core_holidays_year", args=[2027])
    response = client.post(url, {"notice": "一、元旦：1月1日（周四）放假。", "confirm": ""})
    assert response.status_code == 200
    assert "1" in response.content.decode() and not HolidaySchedule.objects.exists()


def test_differences_from_the_package_are_shown_for_a_year_it_knows(client, admin):
    notice = (Path(__file__).parent / "notices" / "2026.txt").read_text(encoding="utf-8")
    body = client.post(reverse("core_holidays_year", args=[2026]), {"notice": notice, "preview": ""}).content.decode()
    assert "data-preview" in body and "data-differences" in body


def test_people_without_the_permission_may_neither_read_nor_write(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("clerk", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert reverse("core_holidays") not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.get(reverse("core_holidays")).status_code in (302, 403)
    response = client.post(reverse("core_holidays_year", args=[2027]), {"notice": NOTICE_2027, "confirm": ""})
    assert response.status_code in (302, 403) and not HolidaySchedule.objects.exists()
