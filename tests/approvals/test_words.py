"""Issue 16: every history an approval case shows names its events and states in words, never in codes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import ApplicationEvent
from approvals.tracking import EVENT_LABELS
from core import events
from tests.words import raw_codes, visible_text

pytestmark = pytest.mark.django_db


def _every_kind(app, by):
    """One event of every kind approvals publishes, with states, facts and clock changes as the real ones carry."""
    due = timezone.now() + datetime.timedelta(days=3)
    for n, kind in enumerate(EVENT_LABELS):
        clocks = ()
        if n == 0:
            clocks = (events.Clock(key=f"approvals.step:{app.pk}00", action="start", due_at=due, label="实质审查"),)
        elif n == 1:
            clocks = (events.Clock(key=f"approvals.step:{app.pk}00", action="pause"),)
        elif n == 2:
            clocks = (events.Clock(key=f"approvals.step:{app.pk}00", action="resume", due_at=due),)
        elif n == 3:
            clocks = (events.Clock(key=f"approvals.step:{app.pk}00", action="stop"),)
        events.record(
            ApplicationEvent,
            source="approvals",
            subject=app.subject,
            kind=kind,
            by=by,
            from_state="submitted",
            to_state="in_review" if n % 2 else "supplementing",
            payload={"reference": app.tracking_number, "materials_missing": ["身份证明"], "reason": "材料不全"},
            clocks=clocks,
            application=app,
        )


def test_admin_history_public_tracking_and_supervision_timeline_show_no_code(client, submit, staff, django_user_model):
    submission = submit()
    app = submission.application
    _every_kind(app, staff.window)
    admin = django_user_model.objects.create_superuser("admin-words", password="x")
    client.force_login(admin)

    detail = client.get(reverse("approvals_admin:detail", args=[app.pk])).content.decode()
    timeline = client.get(reverse("supervision_timeline"), {"q": app.tracking_number}).content.decode()
    client.logout()
    client.post(reverse("approvals:track"), {"tracking_number": app.tracking_number, "code": submission.code})
    tracking = client.get(reverse("approvals:track_detail", args=[app.tracking_number])).content.decode()

    for name, page in (("detail", detail), ("timeline", timeline), ("tracking", tracking)):
        assert raw_codes(page) == [], (name, visible_text(page)[:3000])
        for kind in EVENT_LABELS:
            assert kind not in page, (name, kind)
    for kind in EVENT_LABELS:
        assert events.label_for(kind) in detail and events.label_for(kind) in timeline
    assert "审查中" in detail and "审查中" in timeline  # in_review, as the state's own label
    assert "暂停计时" in timeline and "恢复计时" in timeline
    assert app.tracking_number in timeline  # found by the number people know, and titled by it


def test_the_timeline_box_finds_a_case_by_its_tracking_number_not_only_by_key(client, submit, django_user_model):
    app = submit().application
    admin = django_user_model.objects.create_superuser("admin-words", password="x")
    client.force_login(admin)
    url = reverse("supervision_timeline")
    by_number = client.get(url, {"q": app.tracking_number.lower()})
    assert by_number.context["subject"] == app.subject
    unknown = client.get(url, {"q": "QF2000000000000"})
    assert unknown.context["subject"] == "" and "data-not-found" in unknown.content.decode()
