"""Quiz operations: start, serve, answer, finish and expire attempts; the question checks. The study record (points
per cadre and day) is quizzes/study.py, re-exported here.

Timing is the server's: a question gets ``served_at`` and ``deadline`` when it is first shown, and an answer after
its deadline scores nothing. Correct answers leave the server only for answered questions (see api/quizzes/types.py).
"""

from __future__ import annotations

import datetime
import random
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import idempotency
from core.error_codes import CommonErrorCode
from core.points import PointSource, earn
from directory.models import Cadre
from quizzes import boards
from quizzes.error_codes import QuizErrorCode
from quizzes.models import (
    ATTEMPT_TRANSITIONS,
    LETTERS,
    Attempt,
    AttemptEvent,
    AttemptQuestion,
    AttemptState,
    DailySet,
    Question,
    QuestionKind,
    QuizMode,
    QuizPage,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import Promise
    from wagtail.query import PageQuerySet

POINTS_PER_CORRECT = getattr(settings, "QUIZ_POINTS_PER_CORRECT", 10)
SPEED_BONUS = getattr(settings, "QUIZ_SPEED_BONUS", 5)
PRACTICE_HOURS = 24  # an untimed attempt left alone this long expires
EXPIRY_GRACE = datetime.timedelta(seconds=30)  # a timed attempt expires this long after its last possible deadline


class QuizError(Exception):
    """A refusal the player sees: ``code`` is stable for the app, ``message`` in the user's language."""

    def __init__(self, message: str | Promise, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.field = field


# The question bank.


def validate_question(question: Question, option_count: int | None = None) -> None:
    """Raise ValidationError (keyed by field) if the question cannot be played as it stands."""
    errors = {}
    options = question.options if isinstance(question.options, list) else []
    if not question.text or not question.text.strip():
        errors["text"] = _("The question has no text.")
    if any(not isinstance(o, str) or not o.strip() for o in options):
        errors["options"] = _("Every option needs a text.")
    elif question.kind == QuestionKind.TRUE_FALSE and len(options) != 2:
        errors["options"] = _("A true-or-false question has exactly two options.")
    elif not 2 <= len(options) <= len(LETTERS):
        errors["options"] = _("A question has between 2 and %(max)d options.") % {"max": len(LETTERS)}
    elif len(set(options)) != len(options):
        errors["options"] = _("Two options have the same text.")
    correct = question.correct if isinstance(question.correct, list) else []
    if "options" not in errors:
        if not correct or any(not isinstance(i, int) or not 0 <= i < len(options) for i in correct):
            errors["correct"] = _("Mark at least one correct option among the options.")
        elif len(set(correct)) != len(correct):
            errors["correct"] = _("A correct option is listed twice.")
        elif question.kind != QuestionKind.MULTIPLE and len(correct) != 1:
            errors["correct"] = _("This kind of question has exactly one correct option.")
        elif question.kind == QuestionKind.MULTIPLE and len(correct) < 2:
            errors["correct"] = _("A multiple-choice question has at least two correct options.")
    if errors:
        raise ValidationError(errors)


# Who may play.


def cadre_of(user: AbstractBaseUser | AnonymousUser | None) -> Cadre | None:
    if user is None or not user.is_authenticated:
        return None
    return Cadre.objects.select_related("department").filter(user=user).first()


def is_eligible(quiz: QuizPage, cadre: Cadre) -> bool:
    departments = list(quiz.eligible_departments.all())
    if not departments:
        return True
    path = cadre.department.path
    return any(path.startswith(d.path) for d in departments)


def attempts_left(quiz: QuizPage, cadre: Cadre, today: datetime.date | None = None) -> int | None:
    """None for unlimited; a daily quiz allows one attempt a day."""
    if quiz.mode == QuizMode.DAILY:
        today = today or timezone.localdate()
        return 0 if Attempt.objects.filter(quiz=quiz, cadre=cadre, day=today).exists() else 1
    if not quiz.attempt_limit:
        return None
    return max(0, quiz.attempt_limit - Attempt.objects.filter(quiz=quiz, cadre=cadre).count())


# Attempts.


def _transition(attempt, to_state, now, note=""):
    if to_state not in ATTEMPT_TRANSITIONS[attempt.state]:
        raise QuizError(_("This attempt has already ended."), QuizErrorCode.ATTEMPT_ENDED)
    AttemptEvent.objects.create(attempt=attempt, from_state=attempt.state, to_state=to_state, at=now, note=note)
    attempt.state = to_state
    attempt.ended_at = now


def draw_questions(quiz: QuizPage, rng: random.Random, count: int | None = None) -> list[int]:
    """Question ids for an attempt: active questions of the quiz's tags and difficulty, in a random order."""
    questions = Question.objects.filter(is_active=True)
    tag_ids = list(quiz.draw_tags.values_list("pk", flat=True))
    if tag_ids:
        questions = questions.filter(tags__in=tag_ids)
    if quiz.difficulty:
        questions = questions.filter(difficulty=quiz.difficulty)
    ids = sorted(set(questions.values_list("pk", flat=True)))
    rng.shuffle(ids)
    return ids[: count or quiz.question_count]


def _daily_ids(quiz, day):
    existing = DailySet.objects.filter(quiz=quiz, day=day).first()
    if existing:
        return existing.question_ids
    ids = draw_questions(quiz, random.Random(f"{quiz.pk}:{day.isoformat()}"))
    try:
        with transaction.atomic():
            return DailySet.objects.create(quiz=quiz, day=day, question_ids=ids).question_ids
    except IntegrityError:  # a concurrent first player of the day made it: everyone gets the same set
        return DailySet.objects.get(quiz=quiz, day=day).question_ids


def _expires_at(quiz, count, now):
    if quiz.is_timed:
        limit = now + datetime.timedelta(seconds=quiz.seconds_per_question * count) + EXPIRY_GRACE
    else:
        limit = now + datetime.timedelta(hours=PRACTICE_HOURS)
    if quiz.mode == QuizMode.DAILY:
        tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
        midnight = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))
        limit = min(limit, midnight) if quiz.is_timed else midnight
    if quiz.closes_at:
        limit = min(limit, quiz.closes_at)
    return limit


def open_attempt(quiz: QuizPage, cadre: Cadre) -> Attempt | None:
    return Attempt.objects.filter(quiz=quiz, cadre=cadre, state=AttemptState.IN_PROGRESS).first()


def start_attempt(quiz: QuizPage, cadre: Cadre, now: datetime.datetime | None = None) -> Attempt:
    """The cadre's attempt in progress at this quiz (resumed after a reload), or a new one.

    Refuses a closed quiz, an ineligible cadre and a spent attempt limit. Questions and options are shuffled per
    attempt (a daily quiz draws the same questions for everyone that day, in each player's own order).
    """
    now = now or timezone.now()
    current = open_attempt(quiz, cadre)
    if current is not None:
        if expire_if_due(current, now):
            current = None
        else:
            return current
    if not quiz.live:
        raise QuizError(_("This quiz is not published."), CommonErrorCode.NOT_FOUND)
    if not quiz.is_open(now):
        if quiz.opens_at and now < quiz.opens_at:
            raise QuizError(_("This quiz has not opened yet."), QuizErrorCode.NOT_OPEN)
        raise QuizError(_("This quiz has closed."), QuizErrorCode.CLOSED)
    if not is_eligible(quiz, cadre):
        raise QuizError(_("Your department does not take part in this quiz."), QuizErrorCode.NOT_ELIGIBLE)
    day = timezone.localdate(now)
    left = attempts_left(quiz, cadre, day)
    if left == 0:
        if quiz.mode == QuizMode.DAILY:
            raise QuizError(_("You have played today's quiz. Come back tomorrow."), QuizErrorCode.ATTEMPT_LIMIT)
        raise QuizError(_("You have used all your attempts at this quiz."), QuizErrorCode.ATTEMPT_LIMIT)
    rng = random.Random(secrets.randbits(64))
    if quiz.mode == QuizMode.DAILY:
        ids = list(_daily_ids(quiz, day))
        rng.shuffle(ids)
    else:
        ids = draw_questions(quiz, rng)
    if not ids:
        raise QuizError(_("This quiz has no questions yet."), QuizErrorCode.NO_QUESTIONS)
    questions = Question.objects.in_bulk(ids)
    number = Attempt.objects.filter(quiz=quiz, cadre=cadre).count() + 1
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                cadre=cadre,
                department_id=cadre.department_id,
                number=number,
                day=day,
                started_at=now,
                expires_at=_expires_at(quiz, len(ids), now),
                question_count=len(ids),
            )
            items = []
            for position, pk in enumerate(ids):
                order = list(range(len(questions[pk].options)))
                if questions[pk].kind != QuestionKind.TRUE_FALSE:  # 对 before 错 reads naturally
                    rng.shuffle(order)
                items.append(AttemptQuestion(attempt=attempt, position=position, question_id=pk, option_order=order))
            AttemptQuestion.objects.bulk_create(items)
            AttemptEvent.objects.create(attempt=attempt, from_state="", to_state=AttemptState.IN_PROGRESS, at=now)
    except IntegrityError:
        # Two taps on "start" at once: the unique constraints let one attempt through; resume that one.
        attempt = open_attempt(quiz, cadre)
        if attempt is None:
            raise QuizError(_("Please try again."), CommonErrorCode.CONFLICT) from None
    return attempt


def _lock(attempt):
    return Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)


def expire_if_due(attempt: Attempt, now: datetime.datetime | None = None) -> bool:
    """End an attempt whose time is up as expired (its answered questions still count). True if it did."""
    now = now or timezone.now()
    if attempt.state != AttemptState.IN_PROGRESS or now < attempt.expires_at:
        return False
    with transaction.atomic():
        attempt = _lock(attempt)
        if attempt.state != AttemptState.IN_PROGRESS:
            return True
        _end(attempt, AttemptState.EXPIRED, now, note="time limit")
    return True


def _close_missed(attempt, now):
    """Questions shown whose deadline passed unanswered: answered with nothing, zero points."""
    return AttemptQuestion.objects.filter(
        attempt=attempt, served_at__isnull=False, answered_at__isnull=True, deadline__lte=now
    ).update(answered_at=now, chosen=[], is_correct=False, late=True, points=0)


def serve_current(
    attempt: Attempt, cadre: Cadre | None, now: datetime.datetime | None = None
) -> tuple[Attempt, AttemptQuestion | None]:
    """The question the player should see now, served (timer started) if it was not yet; None once all are done.

    Reloading the page serves the same question with the time it has left; a question whose time ran out while
    the player was away is closed with zero points.
    """
    now = now or timezone.now()
    _check_owner(attempt, cadre)
    with transaction.atomic():
        attempt = _lock(attempt)
        if attempt.state != AttemptState.IN_PROGRESS:
            return attempt, None
        if now >= attempt.expires_at:
            _end(attempt, AttemptState.EXPIRED, now, note="time limit")
            return attempt, None
        _close_missed(attempt, now)
        item = attempt.items.filter(answered_at__isnull=True).select_related("question").order_by("position").first()
        if item is None:
            _end(attempt, AttemptState.FINISHED, now)
            return attempt, None
        if item.served_at is None:
            item.served_at = now
            if attempt.quiz.is_timed:
                item.deadline = now + datetime.timedelta(seconds=attempt.quiz.seconds_per_question)
            item.save(update_fields=["served_at", "deadline"])
        return attempt, item


def _check_owner(attempt, cadre):
    if cadre is None or attempt.cadre_id != cadre.pk:
        raise QuizError(_("This is not your attempt."), CommonErrorCode.PERMISSION_DENIED)


def score(item: AttemptQuestion, chosen: list[int], now: datetime.datetime, quiz: QuizPage) -> tuple[bool, bool, int]:
    """(is_correct, late, points) for the original option indices chosen at `now`."""
    late = item.deadline is not None and now > item.deadline
    correct = sorted(chosen) == sorted(item.question.correct)
    if late or not correct:
        return (correct and not late), late, 0
    points = POINTS_PER_CORRECT
    if quiz.is_timed and item.deadline and quiz.seconds_per_question:
        remaining = (item.deadline - now).total_seconds()
        points += round(SPEED_BONUS * max(0.0, remaining) / quiz.seconds_per_question)
    return True, False, points


def answer_question(
    attempt: Attempt,
    item_id: int,
    shown_choices: list[int],
    cadre: Cadre | None,
    now: datetime.datetime | None = None,
    idempotency_key: str = "",
) -> AttemptQuestion:
    """Record the answer to one question of the attempt; shown_choices are positions as displayed (0 = A).

    Refused: another cadre's attempt, a question not in the attempt or not yet shown, a second answer (replay),
    an ended attempt. An answer after the question's deadline is recorded and scores nothing. Returns the item.
    The app's resend with the same ``idempotency_key`` gets the first answer's feedback (or refusal) back.
    """
    if idempotency_key:
        _check_owner(attempt, cadre)
        outcome = idempotency.once(
            f"quizzes.answer:{attempt.pk}:{item_id}",
            idempotency_key,
            lambda: _answer_or_expiry(attempt, item_id, shown_choices, cadre, now),
            owner=f"cadre:{cadre.pk}" if cadre is not None else "",
            remember=_remember_answer,
            recall=_recall_answer,
        )
        if isinstance(outcome, QuizError):
            raise outcome
        return outcome
    now = now or timezone.now()
    _check_owner(attempt, cadre)
    expired = False
    with transaction.atomic():
        attempt = _lock(attempt)
        item = attempt.items.select_for_update().select_related("question").filter(pk=item_id).first()
        if item is None:
            raise QuizError(
                _("This question is not part of your attempt."), QuizErrorCode.NOT_IN_ATTEMPT, "question_id"
            )
        if item.answered_at is not None:
            raise QuizError(
                _("You have already answered this question."), QuizErrorCode.ALREADY_ANSWERED, "question_id"
            )
        if attempt.state != AttemptState.IN_PROGRESS:
            raise QuizError(_("This attempt has already ended."), QuizErrorCode.ATTEMPT_ENDED)
        if now >= attempt.expires_at:
            _end(attempt, AttemptState.EXPIRED, now, note="time limit")
            expired = True  # committed, then refused: raising here would roll the expiry back
        elif item.served_at is None:
            raise QuizError(_("Answer the questions in order."), QuizErrorCode.NOT_SERVED, "question_id")
        else:
            choices = _original_choices(item, shown_choices, late=item.deadline is not None and now > item.deadline)
            item.is_correct, item.late, item.points = score(item, choices, now, attempt.quiz)
            item.chosen = choices
            item.answered_at = now
            item.save(update_fields=["chosen", "is_correct", "late", "points", "answered_at"])
            if not attempt.items.filter(answered_at__isnull=True).exists():
                _end(attempt, AttemptState.FINISHED, now)
    if expired:
        raise QuizError(_("Time is up: this attempt has expired."), QuizErrorCode.EXPIRED)
    item.attempt = attempt
    return item


def _answer_or_expiry(attempt, item_id, shown_choices, cadre, now):
    # The expiry is committed then refused: returned, not raised, so the key's transaction keeps it.
    try:
        return answer_question(attempt, item_id, shown_choices, cadre, now)
    except QuizError as exc:
        if exc.code == QuizErrorCode.EXPIRED:
            return exc
        raise


def _remember_answer(outcome, vault):
    return {"expired": True} if isinstance(outcome, QuizError) else {"pk": outcome.pk}


def _recall_answer(data, vault):
    if data.get("expired"):
        return QuizError(_("Time is up: this attempt has expired."), QuizErrorCode.EXPIRED)
    return AttemptQuestion.objects.select_related("attempt", "question").get(pk=data["pk"])


def _original_choices(item, shown, late):
    count = len(item.option_order)
    if not isinstance(shown, list | tuple) or any(not isinstance(i, int) or not 0 <= i < count for i in shown):
        raise QuizError(_("Choose among the options shown."), CommonErrorCode.INVALID_CHOICE, "choices")
    if len(set(shown)) != len(shown):
        raise QuizError(_("An option is chosen twice."), CommonErrorCode.INVALID_CHOICE, "choices")
    if not shown and not late:
        raise QuizError(_("Choose an answer."), CommonErrorCode.INVALID_CHOICE, "choices")
    if item.question.kind != QuestionKind.MULTIPLE and len(shown) > 1:
        raise QuizError(_("Choose one answer."), CommonErrorCode.INVALID_CHOICE, "choices")
    return sorted(item.option_order[i] for i in shown)


def finish_attempt(attempt: Attempt, cadre: Cadre | None, now: datetime.datetime | None = None) -> Attempt:
    """The player ends early: unanswered questions score nothing. Idempotent for an attempt already ended."""
    now = now or timezone.now()
    _check_owner(attempt, cadre)
    with transaction.atomic():
        attempt = _lock(attempt)
        if attempt.state == AttemptState.IN_PROGRESS:
            state = AttemptState.EXPIRED if now >= attempt.expires_at else AttemptState.FINISHED
            _end(attempt, state, now)
    return attempt


def _end(attempt, state, now, note=""):
    """Total the score, end the attempt and update the boards and the study record, in the caller's transaction."""
    _close_missed(attempt, now)
    totals = attempt.items.filter(answered_at__isnull=False).values_list("points", "is_correct")
    attempt.score = sum(points for points, _correct in totals)
    attempt.correct_count = sum(1 for _points, correct in totals if correct)
    _transition(attempt, state, now, note)
    attempt.save(update_fields=["state", "ended_at", "score", "correct_count"])
    boards.record_attempt(attempt, now)
    # The study ledger prices the score with its rules (daily caps) and credits each attempt once.
    earn(
        source=POINT_SOURCES.get(attempt.quiz.mode, PointSource.QUIZ),
        key=f"attempt:{attempt.pk}",
        cadre_id=attempt.cadre_id,
        day=timezone.localdate(now),
        points=attempt.score,
        at=now,
    )


POINT_SOURCES = {QuizMode.DAILY: PointSource.DAILY_QUIZ, QuizMode.COMPETITION: PointSource.COMPETITION}


def expire_stale_attempts(now: datetime.datetime | None = None) -> int:
    """The sweep: end every attempt past its time (a player who closed the app mid-quiz). Returns how many."""
    now = now or timezone.now()
    count = 0
    for attempt in Attempt.objects.filter(state=AttemptState.IN_PROGRESS, expires_at__lte=now).order_by("pk")[:1000]:
        count += expire_if_due(attempt, now)
    return count


def visible_quizzes() -> PageQuerySet:
    return QuizPage.objects.live().public()


def quizzes_for(cadre: Cadre | None, now: datetime.datetime | None = None) -> list[QuizPage]:
    """Live quizzes the cadre may see: eligibility by department (with subunits) checked in one query."""
    quizzes = visible_quizzes().prefetch_related("eligible_departments").order_by("path")
    if cadre is None:
        return list(quizzes)
    return [q for q in quizzes if is_eligible(q, cadre)]
