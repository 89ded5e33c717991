"""Statistics for editors: per question share correct, wrong options chosen and discrimination; most-missed per
department; exported as CSV or XLSX.

Discrimination is the classic upper-lower index: among the attempts that answered the question, the share correct
in the best 27% of attempts (by share of their questions answered correctly) minus that in the worst 27%. Near 0
or negative: the question does not tell those who know the rules from those who do not.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from quizzes.models import LETTERS, AttemptQuestion, Question

GROUP_SHARE = 0.27
MIN_FOR_DISCRIMINATION = 10


@dataclass
class QuestionStats:
    question: Question
    answered: int = 0
    correct: int = 0
    option_counts: list = field(default_factory=list)
    discrimination: float | None = None

    @property
    def share_correct(self):
        return round(self.correct / self.answered, 3) if self.answered else None

    def wrong_options(self):
        """[(letter, text, times chosen)] for the wrong options, most chosen first."""
        rows = [
            (LETTERS[i], text, self.option_counts[i])
            for i, text in enumerate(self.question.options)
            if i not in self.question.correct
        ]
        return sorted(rows, key=lambda r: -r[2])


def _answers(department=None, since=None, until=None):
    answers = AttemptQuestion.objects.filter(answered_at__isnull=False)
    if department is not None:
        answers = answers.filter(attempt__department__path__startswith=department.path)
    if since:
        answers = answers.filter(answered_at__date__gte=since)
    if until:
        answers = answers.filter(answered_at__date__lte=until)
    return answers


def question_stats(department=None, since=None, until=None):
    """One QuestionStats per question answered at least once, fewest correct first."""
    rows = _answers(department, since, until).values_list(
        "question_id", "chosen", "is_correct", "attempt__correct_count", "attempt__question_count"
    )
    by_question = defaultdict(list)
    for question_id, chosen, is_correct, attempt_correct, attempt_count in rows.iterator(chunk_size=5000):
        by_question[question_id].append((chosen or [], bool(is_correct), attempt_correct / (attempt_count or 1)))
    questions = Question.objects.in_bulk(list(by_question))
    result = []
    for question_id, answers in by_question.items():
        question = questions[question_id]
        stats = QuestionStats(question, option_counts=[0] * len(question.options))
        for chosen, is_correct, _ratio in answers:
            stats.answered += 1
            stats.correct += is_correct
            for index in chosen:
                if 0 <= index < len(stats.option_counts):
                    stats.option_counts[index] += 1
        stats.discrimination = discrimination([(ratio, ok) for _c, ok, ratio in answers])
        result.append(stats)
    result.sort(key=lambda s: (s.share_correct, -s.answered, s.question.pk))
    return result


def discrimination(scored):
    """Upper-lower index from [(attempt ratio, answered correctly)], or None for too few answers."""
    if len(scored) < MIN_FOR_DISCRIMINATION:
        return None
    ordered = sorted(scored, key=lambda pair: pair[0])
    size = max(1, round(len(ordered) * GROUP_SHARE))
    lower, upper = ordered[:size], ordered[-size:]
    return round(sum(ok for _r, ok in upper) / size - sum(ok for _r, ok in lower) / size, 2)


def most_missed(department, limit=10, min_answers=3):
    """The questions a department (with its subunits) misses most: [(question, answered, wrong)]."""
    rows = (
        _answers(department)
        .values("question_id")
        .annotate(answered=Count("pk"), wrong=Count("pk", filter=Q(is_correct=False)))
        .filter(answered__gte=min_answers, wrong__gt=0)
        .order_by("-wrong", "question_id")
    )
    rows = list(rows)
    # Ordered by share missed, then how often: a question missed 5 times out of 5 before one missed 6 of 40.
    rows.sort(key=lambda r: (-r["wrong"] / r["answered"], -r["wrong"], r["question_id"]))
    rows = rows[:limit]
    questions = Question.objects.in_bulk([r["question_id"] for r in rows])
    return [(questions[r["question_id"]], r["answered"], r["wrong"]) for r in rows]


def export_rows(stats):
    header = [
        pgettext("export", "ID"),
        _("Question"),
        _("Kind"),
        _("Tags"),
        _("Answered"),
        _("Share correct"),
        _("Discrimination"),
        _("Correct answer"),
        _("Wrong options chosen"),
    ]
    yield header
    tag_names = defaultdict(list)
    for question_id, name in Question.tags.through.objects.filter(
        question_id__in=[s.question.pk for s in stats]
    ).values_list("question_id", "questiontag__name"):
        tag_names[question_id].append(name)
    for s in stats:
        yield [
            s.question.pk,
            s.question.text,
            s.question.get_kind_display(),
            "、".join(sorted(tag_names[s.question.pk])),
            s.answered,
            s.share_correct,
            "" if s.discrimination is None else s.discrimination,
            s.question.letters(s.question.correct),
            "; ".join(f"{letter}:{count}" for letter, _text, count in s.wrong_options()),
        ]


def to_csv(rows):
    out = io.StringIO()
    out.write("\ufeff")  # Excel on a Chinese Windows reads UTF-8 only with the BOM
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    return out.getvalue().encode("utf-8")


def to_xlsx(rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Question statistics")[:31])
    for row in rows:
        sheet.append(["'" + c if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
