"""From 1 November until next year's schedule is known, the administrator's and supervisor's dashboards say so,
and ``manage.py check`` warns."""

from datetime import date as D

import pytest
from django.core.management import call_command
from django.urls import reverse

from core import calendar
from core.checks import next_year_schedule
from core.holiday_notice import parse_notice

pytestmark = pytest.mark.django_db

NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"


@pytest.fixture
def december(monkeypatch):
    monkeypatch.setattr(calendar.timezone, "localdate", lambda: D(2026, 12, 3))


def test_the_administrator_sees_the_banner_with_a_link_to_enter_the_year(client, django_user_model, december):
    client.force_login(django_user_model.objects.create_superuser("admin", password="x"))
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "data-calendar-warning" in body and reverse("core_holidays_year", args=[2027]) in body
    assert "2027" in body


def test_the_supervisor_sees_the_banner_on_both_dashboards_without_the_link(client, django_user_model, december):
    from directory.roles import role_group, sync_roles

    sync_roles()
    supervisor = django_user_model.objects.create_user("sv", password="x")
    supervisor.groups.add(role_group("supervisor"))
    client.force_login(supervisor)
    for url in (reverse("wagtailadmin_home"), reverse("supervision_dashboard")):
        body = client.get(url).content.decode()
        assert "data-calendar-warning" in body
        assert reverse("core_holidays_year", args=[2027]) not in body


def test_the_banner_and_the_check_warning_end_when_the_year_is_entered(client, django_user_model, december):
    assert [w.id for w in next_year_schedule()] == ["core.W001"]
    calendar.save_schedule(parse_notice(NOTICE_2027), today=D(2026, 12, 3))
    assert next_year_schedule() == []
    client.force_login(django_user_model.objects.create_superuser("admin", password="x"))
    assert "data-calendar-warning" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_before_november_nothing_is_said(monkeypatch):
    monkeypatch.setattr(calendar.timezone, "localdate", lambda: D(2026, 10, 31))
    assert next_year_schedule() == []


def test_manage_py_check_prints_the_warning(december, capsys):
    call_command("check")
    assert "core.W001" in capsys.readouterr().err
