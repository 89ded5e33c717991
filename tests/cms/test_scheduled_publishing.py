import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from cms.models import SectionPage
from tests.cms.factories import ArticlePageFactory, SectionPageFactory

pytestmark = pytest.mark.django_db


def test_setup_schedules_is_idempotent():
    call_command("setup_schedules")
    call_command("setup_schedules")
    schedule = Schedule.objects.get(name="cms.publish_scheduled")
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "cms.tasks.publish_scheduled_pages",
        Schedule.MINUTES,
        1,
    )
    assert Schedule.objects.filter(name="cms.publish_scheduled").count() == 1


def test_a_page_scheduled_to_go_live_is_published_by_the_django_q_schedule(home_page):
    go_live = timezone.now() + datetime.timedelta(hours=1)
    article = ArticlePageFactory(parent=SectionPageFactory(kind=SectionPage.Kind.NOTICES), publish=False)
    article.go_live_at = go_live
    revision = article.save_revision()
    revision.publish()
    article.refresh_from_db()
    assert not article.live

    call_command("setup_schedules")
    # An hour passes: move the revision's go-live time into the past.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.refresh_from_db()
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    Schedule.objects.filter(name="cms.publish_scheduled").update(next_run=timezone.now() - datetime.timedelta(1))
    scheduler()  # test settings run django-q2 tasks synchronously
    article.refresh_from_db()
    assert article.live
