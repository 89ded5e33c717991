"""Issue 16: a complaint's admin history and its supervision timeline name events and states in words."""

import pytest
from django.urls import reverse

from complaints.services.stages import record
from complaints.workflow import EVENT_LABELS
from core import events
from tests.words import raw_codes, visible_text

pytestmark = pytest.mark.django_db


def test_admin_history_and_supervision_timeline_show_no_code(client, submit, django_user_model):
    complaint = submit().complaint
    for n, kind in enumerate(EVENT_LABELS):
        record(complaint, kind, None, from_state="acknowledged", to_state="investigating" if n % 2 else "concluded")
    admin = django_user_model.objects.create_superuser("admin-words", password="x")
    client.force_login(admin)

    detail = client.get(reverse("complaints_admin:detail", args=[complaint.pk])).content.decode()
    timeline = client.get(reverse("supervision_timeline"), {"q": complaint.reference}).content.decode()

    for name, page in (("detail", detail), ("timeline", timeline)):
        assert raw_codes(page) == [], (name, visible_text(page))
        for kind in EVENT_LABELS:
            assert kind not in page, (name, kind)
    for kind in EVENT_LABELS:
        assert events.label_for(kind) in detail and events.label_for(kind) in timeline
    assert "调查中" in timeline or "Under investigation" in timeline
    assert complaint.reference in timeline
