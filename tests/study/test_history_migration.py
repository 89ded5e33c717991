"""The study record's history (quiz points per day, pages read) moves onto the ledger when the study app arrives."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("study", "0001_initial"), ("quizzes", "0002_roles"), ("directory", "0002_roles")]
AFTER = [("study", "0002_rules_and_history"), ("quizzes", "0003_delete_studyday")]


@pytest.fixture
def back_to_the_latest_schema():
    """Migrate every app forward again afterwards: the tests that run later expect today's tables."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_quiz_points_and_reads_move_onto_the_ledger_within_their_caps(back_to_the_latest_schema):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Department = apps.get_model("directory", "Department")
    Cadre = apps.get_model("directory", "Cadre")
    Page = apps.get_model("wagtailcore", "Page")
    StudyDay = apps.get_model("quizzes", "StudyDay")
    ReadRecord = apps.get_model("cms", "ReadRecord")
    department = Department.objects.create(code="T1", name="测试局", kind="bureau", path="T1")
    cadre = Cadre.objects.create(name="王", phone="+8613800000001", department=department)
    day = datetime.date(2026, 11, 20)
    StudyDay.objects.create(cadre=cadre, day=day, quiz_points=75)  # over the cap of 60
    StudyDay.objects.create(cadre=cadre, day=day - datetime.timedelta(days=1), quiz_points=10)
    ContentType = apps.get_model("contenttypes", "ContentType")
    page_type = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")[0]
    locale = apps.get_model("wagtailcore", "Locale").objects.first()
    read_at = datetime.datetime(2026, 11, 20, 2, tzinfo=datetime.UTC)
    for i in range(12):  # 12 pages read on one day: the first 10 earn 2 points each, up to the cap of 20
        page = Page.objects.create(
            title=f"p{i}",
            slug=f"p{i}",
            path=f"0009{i:04d}",
            depth=2,
            content_type=page_type,
            draft_title=f"p{i}",
            locale=locale,
        )
        ReadRecord.objects.create(cadre=cadre, page=page, day=day, read_at=read_at + datetime.timedelta(minutes=i))
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Entry = apps.get_model("study", "PointsEntry")
    Total = apps.get_model("study", "PointsTotal")
    quiz = dict(Entry.objects.filter(source="quiz").values_list("day", "points"))
    assert quiz == {day: 60, day - datetime.timedelta(days=1): 10}
    assert Entry.objects.filter(source="reading").count() == 10
    assert Total.objects.get(cadre_id=cadre.pk, period="m2026-11").points == 60 + 10 + 20
    assert apps.get_model("study", "PointsRule").objects.get(source="reading").daily_cap == 20
    assert "quizzes_studyday" not in connection.introspection.table_names()
