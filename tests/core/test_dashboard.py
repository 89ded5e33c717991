import datetime

import pytest
from django.utils import timezone

from core.dashboard import CALM, LIMIT, RED, SOON_DUE, YELLOW, WorkItem, WorkPanel, by_urgency

NOW = timezone.now()


def item(title, hours=None, card=""):
    deadline = NOW + datetime.timedelta(hours=hours) if hours is not None else None
    return WorkItem(
        title=title, url=f"/{title}/", deadline=deadline, no_deadline="无期限" if deadline is None else "", card=card
    )


def test_urgency_comes_from_the_card_and_the_deadline():
    assert item("late", hours=-1).urgency(NOW) == RED
    assert item("red", hours=100, card="red").urgency(NOW) == RED
    assert item("yellow", hours=100, card="yellow").urgency(NOW) == YELLOW
    assert item("soon", hours=3).urgency(NOW) == SOON_DUE
    assert item("warned", hours=100, card="warning").urgency(NOW) == SOON_DUE
    assert item("calm", hours=100).urgency(NOW) == CALM
    assert item("none").urgency(NOW) == CALM


def test_the_most_urgent_come_first_then_the_soonest_deadline_and_undated_last():
    items = [item("none"), item("calm-later", 200), item("calm", 100), item("yellow", 300, "yellow"), item("late", -2)]
    assert [i.title for i in by_urgency(items, NOW)] == ["late", "yellow", "calm", "calm-later", "none"]


def test_a_panel_draws_at_most_limit_rows_with_its_link_to_the_full_list():
    panel = WorkPanel("test", "测试", lambda: [item(f"n{n}", n + 30) for n in range(LIMIT + 5)], more_url="/all/")
    html = panel.render_html({})
    assert html.count('<li class="wd-u') == LIMIT
    assert 'href="/all/"' in html


@pytest.mark.parametrize("hours", [-5, None])
def test_a_row_shows_its_deadline_or_why_it_has_none(hours):
    html = WorkPanel("test", "测试", lambda: [item("x", hours)]).render_html({})
    if hours is None:
        assert "无期限" in html
    else:
        assert "wd-overdue" in html and 'data-urgency="3"' in html
