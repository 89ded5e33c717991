"""Demo quizzes: the 150-question bank (demo_questions.toml), four quiz pages (demo_quizzes.toml), a played
competition, the SMS quiz."""

import datetime
import random
import tomllib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.models import HomePage
from core.demo_data import load_toml
from directory.demo import demo_step
from directory.models import Cadre
from quizzes import services, sms_quiz
from quizzes.error_codes import QuizErrorCode
from quizzes.models import (
    LETTERS,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionTag,
    QuizMode,
    QuizPage,
    SmsQuestion,
)

QUESTIONS_FILE = Path(__file__).with_name("demo_questions.toml")
QUIZZES_FILE = Path(__file__).with_name("demo_quizzes.toml")


@demo_step
def load_quizzes(run):
    created = load_questions()
    run.count(_("quiz questions"), created, Question.objects.count())
    made = _load_quiz_pages()
    run.count(_("quizzes"), made, QuizPage.objects.count())
    played = _play_competition()
    run.count(_("quiz attempts"), played, Attempt.objects.count())
    _sms_question()


def load_questions(path=QUESTIONS_FILE):
    """Create the questions of the file that are not in the bank yet (matched by text). Returns how many."""
    rows = tomllib.loads(path.read_text(encoding="utf-8"))["question"]
    existing = set(Question.objects.values_list("text", flat=True))
    pages = {p.title: p for p in Page.objects.live().filter(title__in={r.get("page") for r in rows if r.get("page")})}
    tags = {}
    created = 0
    for row in rows:
        if row["text"] in existing:
            continue
        question = Question(
            kind=row["kind"],
            text=row["text"],
            options=row["options"],
            correct=[LETTERS.index(letter) for letter in row["answer"]],
            explanation=row.get("explanation", ""),
            difficulty=row.get("difficulty", 1),
            policy_page=pages.get(row.get("page")),
        )
        services.validate_question(question)
        question.save()
        for name in row.get("tags", []):
            if name not in tags:
                tags[name] = QuestionTag.objects.get_or_create(name=name)[0]
        question.tags.set([tags[name] for name in row.get("tags", [])])
        created += 1
    return created


def _load_quiz_pages():
    home = HomePage.objects.first()
    editor = get_user_model().objects.filter(username="editor").first()
    now = timezone.now()
    made = 0
    for row in load_toml(QUIZZES_FILE)["quiz"]:
        slug, mode = row["slug"], QuizMode(row["mode"])
        if QuizPage.objects.filter(slug=slug).exists() or home is None:
            continue
        page = QuizPage(
            title=row["title"],
            slug=slug,
            mode=mode,
            question_count=row["question_count"],
            seconds_per_question=row["seconds_per_question"],
            intro=f"<p>{row['intro']}</p>",
            **row.get("fields", {}),
        )
        if mode == QuizMode.COMPETITION:
            page.opens_at = now - datetime.timedelta(days=7)
            page.closes_at = now + datetime.timedelta(days=23)
        home.add_child(instance=page)
        page.draw_tags.set(QuestionTag.objects.filter(name__in=row.get("tags", [])))
        page.save_revision(user=editor).publish(user=editor)
        made += 1
    return made


def _play_competition(players=240):
    """Demo cadres play the competition in the past week, so its boards have something to show."""
    quiz = QuizPage.objects.filter(slug="contest").first()
    if quiz is None or Attempt.objects.filter(quiz=quiz).exists():
        return 0
    rng = random.Random("qinghe-contest")
    cadres = list(Cadre.objects.select_related("department").order_by("pk")[:2000])
    if not cadres:
        return 0
    played = 0
    start = quiz.opens_at + datetime.timedelta(hours=2)
    for cadre in rng.sample(cadres, min(players, len(cadres))):
        skill = rng.uniform(0.45, 0.95)
        at = start + datetime.timedelta(minutes=rng.randrange(0, 60 * 24 * 6))
        attempt = services.start_attempt(quiz, cadre, now=at)
        _play(attempt, at, skill, rng)
        played += 1
    return played


def _play(attempt, at, skill, rng):
    """Answer every question of the attempt in order, as a player at the app would (served, a few seconds' thought,
    answered), and end it. This writes what ``services.serve_current`` and ``services.answer_question`` would, with
    their scoring, but for the 20 questions at once (one read, one bulk update, then the services' own ending)
    instead of two locked transactions a question, which were 70% of the whole demo's load. The random draws are
    those of the question-by-question loop, in its order, so the demo's scores are unchanged.
    """
    quiz = attempt.quiz
    items = list(attempt.items.select_related("question").order_by("position"))
    for item in items:
        item.served_at = at
        if quiz.is_timed:
            item.deadline = at + datetime.timedelta(seconds=quiz.seconds_per_question)
        at += datetime.timedelta(seconds=rng.uniform(3, 20))
        if at >= attempt.expires_at:  # answer_question would refuse it: the demo's quiz must give more time
            raise services.QuizError(_("Time is up: this attempt has expired."), QuizErrorCode.EXPIRED)
        correct_shown = [item.option_order.index(i) for i in item.question.correct]
        if rng.random() < skill:
            choice = correct_shown
        else:
            wrong = [i for i in range(len(item.option_order)) if i not in correct_shown]
            choice = [rng.choice(wrong)] if wrong else correct_shown[:1]  # "all of the above": pick one
        late = item.deadline is not None and at > item.deadline
        item.chosen = services._original_choices(item, choice, late=late)
        item.is_correct, item.late, item.points = services.score(item, item.chosen, at, quiz)
        item.answered_at = at
    with transaction.atomic():
        _save_answers(items)
        services._end(attempt, AttemptState.FINISHED, at)


ANSWER_FIELDS = ("served_at", "deadline", "chosen", "is_correct", "late", "points", "answered_at")


def _save_answers(items):
    """One UPDATE per item, sent together (bulk_update's CASE expressions took longer to build than to run)."""
    fields = [AttemptQuestion._meta.get_field(name) for name in ANSWER_FIELDS]
    connection = connections[router.db_for_write(AttemptQuestion)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(AttemptQuestion._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    rows = [
        [field.get_db_prep_save(getattr(item, field.attname), connection) for field in fields] + [item.pk]
        for item in items
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _sms_question():
    """Today's SMS question, its campaign written by the editor and waiting for the reviewer's approval."""
    today = timezone.localdate()
    if SmsQuestion.objects.filter(day=today).exists():
        return
    question = Question.objects.filter(kind="single", tags__name="八项规定").order_by("pk").first()
    if question is None:
        return
    editor = get_user_model().objects.filter(username="editor").first()
    row = sms_quiz.set_question(today, question)
    if editor is not None:
        # Left for the reviewer: approving it in the demo would text all 2,000 demo cadres at once.
        sms_quiz.prepare_campaign(row, editor)
