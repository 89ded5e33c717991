"""The supervisor's work dashboard: red and yellow cards first, new findings, clocks due today."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from supervision import dashboard
from supervision.models import Finding
from tests.supervision.factories import make_clock


def names(user):
    return [p.name for p in dashboard.panels_for(user)]


def test_a_supervisor_sees_red_cards_before_yellow_then_findings_and_clocks_due_today(
    supervisor, handler, client, django_assert_max_num_queries
):
    now = timezone.now()
    make_clock("approvals.step:1", now + datetime.timedelta(days=3), level="yellow", label="黄牌事项")
    make_clock("approvals.step:2", now - datetime.timedelta(days=2), level="red", label="红牌事项")
    make_clock("approvals.step:3", now - datetime.timedelta(days=2), level="red", state="stopped", label="已办结")
    make_clock("approvals.step:4", now + datetime.timedelta(days=9), label="正常事项")
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=0)
    due_today = make_clock("approvals.step:5", min(now + datetime.timedelta(minutes=5), end_of_day), label="今日到期")
    Finding.objects.create(
        rule="R03",
        title="超时受理",
        severity="high",
        message="受理超时",
        subject="approvals.application:9",
        dedupe_key="a",
    )
    cards, findings, today = dashboard.panels_for(supervisor)
    with django_assert_max_num_queries(2):
        items, summaries = cards.rows()
    assert [i.title for i in items] == ["红牌事项", "黄牌事项"]
    assert items[0].url == reverse("supervision_timeline") + "?subject=approvals.step%3A2"
    assert [s.count for s in summaries] == [1, 1]
    with django_assert_max_num_queries(1):
        found, _summaries = findings.rows()
    assert found[0].title == "受理超时" and found[0].no_deadline
    with django_assert_max_num_queries(1):
        due, _summaries = today.rows()
    assert [i.title for i in due] == [due_today.label]

    assert names(handler) == []
    client.force_login(supervisor)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert home.index("红牌事项") < home.index("黄牌事项")
    # In the findings list, a finding's title opens its timeline.
    findings_list = client.get(reverse("supervision_finding:index")).content.decode()
    assert re.search(r'href="[^"]*subject=approvals.application:9"[^>]*>\s*受理超时', findings_list)


def test_clock_levels_answer_for_open_clocks_only(db):
    now = timezone.now()
    make_clock("complaints.stage:1", now, level="yellow")
    make_clock("complaints.stage:2", now, level="red", state="stopped")
    from core.dashboard import clock_levels

    levels = clock_levels(["complaints.stage:1", "complaints.stage:2", "complaints.stage:3"])
    assert list(levels) == ["complaints.stage:1"] and levels["complaints.stage:1"].level == "yellow"
