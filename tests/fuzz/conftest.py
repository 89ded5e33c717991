"""Fuzzing harness: hypothesis settings from the environment, seed data, three audiences and the no-500 check.

FUZZ_EXAMPLES sets the cases per target (a few dozen in the default suite, thousands in `make fuzz`); FUZZ_RANDOM=1
draws new cases each run (`make fuzz`), otherwise the suite is derandomized so that CI is deterministic.
"""

import os
import traceback
import types
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
RANDOM = os.environ.get("FUZZ_RANDOM", "") == "1"

settings.register_profile(
    "qingfeng-fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    print_blob=RANDOM,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("qingfeng-fuzz")

# Markers of a stack trace or an internal message in a body a client sees.
LEAKS = ("Traceback (most recent call last)", 'File "/', "django.db.utils", "psycopg", "sqlite3.")

STATS = defaultdict(lambda: {"cases": 0, "failures": set()})


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/fuzz/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.fuzz)


def pytest_terminal_summary(terminalreporter):
    if not STATS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("fuzz totals")
    total_cases = total_failures = 0
    for target, row in sorted(STATS.items()):
        write(f"{target:<45} {row['cases']:>7} cases  {len(row['failures']):>3} distinct 500s")
        total_cases += row["cases"]
        total_failures += len(row["failures"])
    write(f"{'total':<45} {total_cases:>7} cases  {total_failures:>3} distinct 500s")
    for target, row in sorted(STATS.items()):
        for failure in sorted(row["failures"]):
            write(f"  {target}: {failure}")


class ServerError(AssertionError):
    pass


def send(target, do):
    """One case: `do()` makes the request inside a savepoint rolled back afterwards, so cases stay independent
    (and a database error on PostgreSQL cannot poison the next case). An exception is the 500 a user would see."""
    STATS[target]["cases"] += 1
    cache.clear()  # rate limits would otherwise turn every later case into a 429
    try:
        with transaction.atomic():
            response = do()
            transaction.set_rollback(True)
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        STATS[target]["failures"].add(f"{type(exc).__name__} at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}")
        raise ServerError(f"{target}: the server raised {type(exc).__name__}: {exc}") from exc
    if response.status_code >= 500:
        STATS[target]["failures"].add(f"HTTP {response.status_code}")
        raise ServerError(f"{target}: HTTP {response.status_code}")
    body = b"".join(response) if getattr(response, "streaming", False) else response.content
    text = body.decode("utf-8", "replace")
    for leak in LEAKS:
        if leak in text:
            STATS[target]["failures"].add(f"leak {leak!r}")
            raise ServerError(f"{target}: the body shows {leak!r}")
    return response, text


def fail(target, what):
    STATS[target]["failures"].add(what)
    raise ServerError(f"{target}: {what}")


@pytest.fixture(autouse=True)
def _fuzz_limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPLAINTS_PRIVATE_ROOT = tmp_path / "private"
    settings.GRAPHQL_MUTATIONS_PER_MINUTE_USER = 10**9
    settings.GRAPHQL_MUTATIONS_PER_MINUTE_IP = 10**9


@pytest.fixture
def seed(home_page, django_user_model):
    """A little of everything the public endpoints read: a department tree, a cadre, staff, a forum topic, a quiz,
    an approval item with an application, and a complaint."""
    from decimal import Decimal

    from approvals import services as approvals
    from approvals.models import ApprovalItem, ItemStep, Material, MaterialForm, Theme
    from complaints import services as complaints
    from directory.models import Cadre, Department, DepartmentKind
    from quizzes.models import Question, QuestionKind, QuizMode, QuizPage
    from tests.approvals.conftest import docx, pdf
    from tests.forum.factories import PostFactory, TopicFactory, make_board

    city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
    jw = Department.objects.create(code="QH-JW", name="市纪委监委", kind=DepartmentKind.BUREAU, parent=city)
    sjj = Department.objects.create(code="QH-SJJ", name="市市场监督管理局", kind=DepartmentKind.BUREAU, parent=city)
    centre = Department.objects.create(
        code="QH-ZWFW", name="市政务服务中心", kind=DepartmentKind.SERVICE_CENTRE, parent=city
    )
    cadre_user = django_user_model.objects.create_user("fuzz-cadre", password="pw-fuzz-123456", first_name="王")
    cadre = Cadre.objects.create(name="王建国", phone="+8613800000001", department=sjj, user=cadre_user)
    staff = get_user_model().objects.create_superuser("fuzz-staff", password="pw-fuzz-123456", first_name="管理员")
    Cadre.objects.create(name="管理员", phone="+8613800000002", department=jw, user=staff)

    board = make_board(slug="fuzz-board")
    topic = TopicFactory(board=board, author=cadre_user)
    post = PostFactory(topic=topic, author=cadre_user)

    for i in range(6):
        Question.objects.create(
            kind=QuestionKind.SINGLE, text=f"单选题{i}", options=["对", "错一", "错二"], correct=[0], explanation="解析"
        )
    quiz = QuizPage(title="测验", slug="fuzz-quiz", mode=QuizMode.TIMED, question_count=3, seconds_per_question=30)
    home_page.add_child(instance=quiz)
    quiz.save_revision().publish()

    item = ApprovalItem.objects.create(
        code="QH-SJJ-001", name="食品经营许可", department=sjj, theme=Theme.BUSINESS, legal_basis="法",
        conditions="条件", statutory_days=20, promised_days=5, fee=Decimal("0"), is_published=True,
    )  # fmt: skip
    first = Material.objects.create(item=item, name="申请书", form=MaterialForm.ORIGINAL, sort_order=1)
    second = Material.objects.create(item=item, name="营业执照", form=MaterialForm.COPY, required=False, sort_order=2)
    step = ItemStep.objects.create(item=item, order=1, name="审查", working_days=2)
    step.departments.add(sjj)
    applied = approvals.submit_application(
        item, service_centre=centre, applicant_kind="person", applicant_name="张三", applicant_phone="+8613912345678",
        files=[(first, docx()), (second, pdf())],
    )  # fmt: skip

    submission = complaints.submit_complaint(
        {"category": "other", "concerned_department": sjj, "description": "窗口人员索要好处费，情节属实。"},
        source="fuzz",
    )
    return types.SimpleNamespace(
        home=home_page, city=city, sjj=sjj, centre=centre, cadre=cadre, cadre_user=cadre_user, staff=staff,
        board=board, topic=topic, post=post, quiz=QuizPage.objects.get(pk=quiz.pk), item=item,
        materials=[first, second], application=applied.application, tracking_code=applied.code,
        complaint=submission.complaint, receipt=submission.receipt,
    )  # fmt: skip


AUDIENCES = ("anonymous", "cadre", "staff")


@pytest.fixture
def clients(seed):
    anonymous, cadre, staff = Client(), Client(), Client()
    cadre.force_login(seed.cadre_user)
    staff.force_login(seed.staff)
    return {"anonymous": anonymous, "cadre": cadre, "staff": staff}
