"""Read-only queries of quizzes for the API and the app: which quiz a player may see, their own attempts, and
where each player stands on a quiz (attempts left, attempt in progress, best score)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, AttemptState, QuizMode, QuizPage


@dataclass(frozen=True)
class Standing:
    """A player's standing on one quiz; attempts_left is None when unlimited."""

    attempts_left: int | None = None
    open_attempt_id: int | None = None
    best_score: int | None = None


def visible_quiz(pk) -> QuizPage | None:
    return services.visible_quizzes().filter(pk=pk).first() if str(pk).isdigit() else None


def own_attempt(pk, cadre) -> Attempt | None:
    """The cadre's attempt with this id; someone else's looks exactly like a missing one."""
    if cadre is None or not str(pk).isdigit():
        return None
    return Attempt.objects.select_related("quiz").filter(pk=pk, cadre=cadre).first()


def standings(quizzes: Iterable[QuizPage], cadre) -> dict[int, Standing]:
    """The cadre's standing on each quiz, in two queries whatever their number; empty for no cadre."""
    quizzes = list(quizzes)
    if cadre is None or not quizzes:
        return {}
    today = timezone.localdate()
    counts = {
        row["quiz"]: row
        for row in Attempt.objects.filter(cadre=cadre, quiz__in=quizzes)
        .values("quiz")
        .annotate(n=Count("pk"), today=Count("pk", filter=Q(day=today)), best=Max("score"))
    }
    open_ids = dict(
        Attempt.objects.filter(cadre=cadre, quiz__in=quizzes, state=AttemptState.IN_PROGRESS).values_list("quiz", "pk")
    )
    result = {}
    for quiz in quizzes:
        row = counts.get(quiz.pk, {"n": 0, "today": 0, "best": None})
        left = None
        if quiz.mode == QuizMode.DAILY:
            left = 0 if row["today"] else 1
        elif quiz.attempt_limit:
            left = max(0, quiz.attempt_limit - row["n"])
        result[quiz.pk] = Standing(attempts_left=left, open_attempt_id=open_ids.get(quiz.pk), best_score=row["best"])
    return result


def answered_items(attempt_ids: Iterable[int]) -> dict[int, list[AttemptQuestion]]:
    """Each attempt's answered questions in order, with the question and its policy page."""
    grouped = defaultdict(list)
    items = (
        AttemptQuestion.objects.filter(attempt_id__in=list(attempt_ids), answered_at__isnull=False)
        .select_related("question__policy_page")
        .order_by("attempt_id", "position")
    )
    for item in items:
        grouped[item.attempt_id].append(item)
    return grouped
