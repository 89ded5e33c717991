import datetime

import pytest
from django.utils import timezone

from core.points import PointSource, earn
from study import ledger, records
from study.models import PointsEntry, PointsRule, PointsTotal
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 2)  # a Wednesday of ISO week 49


@pytest.fixture
def cadre():
    return CadreFactory()


def read(cadre, page_id, day=DAY):
    earn(source=PointSource.READING, key=f"page:{page_id}:{day}", cadre_id=cadre.pk, day=day)


def test_an_event_delivered_twice_is_credited_once(cadre):
    read(cadre, 1)
    read(cadre, 1)
    assert list(PointsEntry.objects.values_list("source", "points")) == [("reading", 2)]
    assert ledger.totals(cadre, today=DAY).today == 2


def test_the_daily_cap_stops_a_source_and_not_the_others(cadre):
    for page in range(15):
        read(cadre, page)
    earn(source=PointSource.QUIZ, key="attempt:1", cadre_id=cadre.pk, day=DAY, points=45)
    earn(source=PointSource.QUIZ, key="attempt:2", cadre_id=cadre.pk, day=DAY, points=45)
    by_source = ledger.source_totals(cadre, DAY)
    assert by_source == {"reading": 20, "quiz": 60}  # 10 reads of 2 points; 45 + the 15 left of 60
    assert PointsEntry.objects.filter(source="reading").count() == 10
    read(cadre, 99, day=DAY + datetime.timedelta(days=1))  # a new day, a new cap
    assert ledger.source_totals(cadre, DAY + datetime.timedelta(days=1))["reading"] == 2


def test_rules_edited_as_data_change_what_the_next_event_earns(cadre):
    PointsRule.objects.update_or_create(
        source="reading", defaults={"points": 5, "daily_cap": 0, "max_per_event": 0, "is_active": True}
    )
    read(cadre, 1)
    # Edited through the rule as the admin shows it: a row seeded by the migration, or the built-in default (a
    # browser test's flush empties the seeded rows before this test may run).
    quiz = ledger.rule_for(PointSource.QUIZ)
    quiz.max_per_event = 30
    quiz.save()
    earn(source=PointSource.QUIZ, key="attempt:1", cadre_id=cadre.pk, day=DAY, points=50)
    sms_quiz = ledger.rule_for(PointSource.SMS_QUIZ)
    sms_quiz.is_active = False
    sms_quiz.save()
    earn(source=PointSource.SMS_QUIZ, key="sms:1", cadre_id=cadre.pk, day=DAY, points=5)
    assert ledger.source_totals(cadre, DAY) == {"reading": 5, "quiz": 30}


def test_a_wrong_answer_or_an_unknown_cadre_leaves_no_row(cadre):
    earn(source=PointSource.SMS_QUIZ, key="sms:1", cadre_id=cadre.pk, day=DAY, points=0)
    earn(source=PointSource.SMS_QUIZ, key="sms:2", cadre_id=cadre.pk + 1000, day=DAY, points=5)
    assert not PointsEntry.objects.exists()


def test_studying_on_consecutive_days_earns_the_streak_once_a_day(cadre):
    read(cadre, 1, day=DAY - datetime.timedelta(days=1))
    read(cadre, 2)
    read(cadre, 3)
    assert list(PointsEntry.objects.filter(source="streak").values_list("day", "points")) == [(DAY, 2)]


def test_totals_by_day_week_month_and_year(cadre):
    read(cadre, 1, day=datetime.date(2025, 12, 31))
    read(cadre, 2, day=datetime.date(2026, 11, 30))  # Monday of week 49
    read(cadre, 3)
    totals = ledger.totals(cadre, today=DAY)
    # no streak: nothing was read on the 1st
    assert (totals.today, totals.week, totals.month, totals.year, totals.all_time) == (2, 4, 2, 4, 6)
    assert PointsTotal.objects.get(cadre=cadre, period="w2026-49").points == 4


def test_the_detail_lists_newest_first_and_the_study_record_splits_quiz_and_reading(cadre):
    read(cadre, 1, day=DAY - datetime.timedelta(days=3))
    earn(source=PointSource.SMS_QUIZ, key="sms:9", cadre_id=cadre.pk, day=DAY, points=5)
    detail = ledger.entries(cadre)
    assert [e.source for e in detail] == ["sms_quiz", "reading"]
    rows = records.study_record(cadre, days=7, today=DAY)
    assert [(r["day"], r["quiz_points"], r["reading_points"]) for r in rows] == [
        (DAY, 5, 0),
        (DAY - datetime.timedelta(days=3), 0, 2),
    ]


def test_the_department_record_counts_each_cadre_in_their_current_department(cadre):
    other = CadreFactory(department=cadre.department)
    read(cadre, 1)
    rows = records.department_study_record(DAY, DAY)
    assert rows[0]["department"] == cadre.department
    assert (rows[0]["cadres"], rows[0]["active"], rows[0]["reading_points"]) == (2, 1, 2)
    assert other.pk


def test_a_page_read_on_the_site_is_credited_through_cms(client, home_page, django_user_model):
    from tests.cms.factories import SectionPageFactory, WarningCasePageFactory

    page = WarningCasePageFactory(parent=SectionPageFactory())
    user = django_user_model.objects.create_user("reader")
    cadre = CadreFactory(user=user)
    client.force_login(user)
    client.get(page.url)
    client.get(page.url)
    assert list(PointsEntry.objects.values_list("cadre", "source", "day", "points")) == [
        (cadre.pk, "reading", timezone.localdate(), 2)
    ]
