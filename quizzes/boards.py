"""Leaderboards, maintained incrementally: one row per (board, period, cadre) and per (board, period, department).

``record_attempt`` runs in the transaction that ends an attempt, so a board never shows half an attempt, and a
board is read with one indexed, ordered query (plus one count for the first rank of a later page): never
recomputed per request. Week and month boards add up every timed, daily and competition attempt (practice does
not count); a competition's board keeps each cadre's best attempt.

Departments are ranked by score per participating member (``per_member`` = total * 1000 // participants), and only
once ``min_participants`` of their cadres have played, so one keen member cannot carry a small department to the
top. Ties: equal scores share a rank; the order among them is fixed (who reached the score first, then id).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from quizzes.models import Board, BoardScore, DepartmentBoardScore, QuizMode, month_period, week_period

MIN_PARTICIPANTS = getattr(settings, "QUIZ_MIN_PARTICIPANTS", 3)


def periods_for(attempt, day):
    """(board, period, keeps_best) rows an ended attempt counts on."""
    if attempt.quiz.mode == QuizMode.PRACTICE:
        return []
    rows = [(Board.WEEK, week_period(day), False), (Board.MONTH, month_period(day), False)]
    if attempt.quiz.mode == QuizMode.COMPETITION:
        rows.append((Board.COMPETITION, competition_period(attempt.quiz_id), True))
    return rows


def competition_period(quiz_id):
    return f"quiz:{quiz_id}"


def record_attempt(attempt, now=None):
    now = now or timezone.now()
    for board, period, keeps_best in periods_for(attempt, timezone.localdate(now)):
        add(board, period, attempt.cadre_id, attempt.department_id, attempt.score, keeps_best, now)


def add(board, period, cadre_id, department_id, score, keeps_best, now):
    """Add a score (or keep the best) for a cadre, and carry the change to the department row. Locks cadre first,
    then department, always in that order, so concurrent finishes cannot deadlock."""
    row, created = BoardScore.objects.select_for_update().get_or_create(
        board=board, period=period, cadre_id=cadre_id, defaults={"department_id": department_id, "reached_at": now}
    )
    old = 0 if created else row.score
    new = max(old, score) if keeps_best else old + score
    delta = new - old
    if created or delta:
        BoardScore.objects.filter(pk=row.pk).update(score=new, reached_at=now)
    if not created and not delta:
        return
    joined = 1 if created else 0
    dept, dept_created = DepartmentBoardScore.objects.select_for_update().get_or_create(
        board=board,
        period=period,
        department_id=row.department_id,
        defaults={"total": delta, "participants": 1, "per_member": delta * 1000},
    )
    if not dept_created:
        # One UPDATE computing per_member from the new values: no read-modify-write race.
        DepartmentBoardScore.objects.filter(pk=dept.pk).update(
            total=F("total") + delta,
            participants=F("participants") + joined,
            per_member=(F("total") + delta) * 1000 / (F("participants") + joined),
        )


@dataclass
class Entry:
    rank: int
    score: int
    cadre_id: int | None = None
    name: str = ""
    department: str = ""
    department_id: int | None = None
    participants: int = 0
    per_member: float = 0.0
    is_me: bool = False


def individual(board, period, limit=20, offset=0, me=None):
    """One page of the individual board, ranked (equal scores share the rank of the first of them).

    Plain rows (values_list), not model instances: building 50 Cadre objects cost more than the indexed query.
    """
    rows = list(
        BoardScore.objects.filter(board=board, period=period)
        .order_by("-score", "reached_at", "cadre_id")
        .values_list("score", "cadre_id", "cadre__name", "department_id", "department__short_name", "department__name")[
            offset : offset + limit
        ]
    )
    entries = []
    rank = None
    previous = None
    for position, (score, cadre_id, name, department_id, short_name, department_name) in enumerate(rows):
        if previous is None or score != previous:
            if position == 0 and offset:
                rank = BoardScore.objects.filter(board=board, period=period, score__gt=score).count() + 1
            else:
                rank = offset + position + 1
        previous = score
        entries.append(
            Entry(
                rank=rank,
                score=score,
                cadre_id=cadre_id,
                name=name,
                department=short_name or department_name,
                department_id=department_id,
                is_me=me is not None and cadre_id == me.pk,
            )
        )
    return entries


def my_rank(board, period, cadre):
    score = BoardScore.objects.filter(board=board, period=period, cadre=cadre).values_list("score", flat=True).first()
    if score is None:
        return None
    rank = BoardScore.objects.filter(board=board, period=period, score__gt=score).count() + 1
    return Entry(rank=rank, score=score, cadre_id=cadre.pk, name=cadre.name, is_me=True)


def departments(board, period, min_participants=MIN_PARTICIPANTS, limit=50, me=None):
    rows = list(
        DepartmentBoardScore.objects.filter(board=board, period=period, participants__gte=min_participants)
        .order_by("-per_member", "-participants", "department_id")
        .values_list("total", "participants", "per_member", "department_id", "department__name")[:limit]
    )
    entries = []
    rank = None
    previous = None
    for position, (total, participants, per_member, department_id, name) in enumerate(rows):
        if per_member != previous:
            rank = position + 1
        previous = per_member
        entries.append(
            Entry(
                rank=rank,
                score=total,
                department=name,
                department_id=department_id,
                participants=participants,
                per_member=round(per_member / 1000, 1),
                is_me=me is not None and department_id == me.department_id,
            )
        )
    return entries


def current_period(board, quiz=None, today=None):
    today = today or timezone.localdate()
    if board == Board.WEEK:
        return week_period(today)
    if board == Board.MONTH:
        return month_period(today)
    return competition_period(quiz.pk)
