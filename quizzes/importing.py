"""Import questions from an XLSX workbook: preview with row-numbered errors, then all rows or none.

The first non-empty row of the active sheet is the header (Chinese or English; spaces, ``*`` and ``_`` ignored):

==================  =====================  ==========================================================
column              also                   content
==================  =====================  ==========================================================
题型 (required)      kind, type             单选 / 多选 / 判断 (or single / multiple / true_false)
题目 (required)      question, text         the question, at most 500 characters
选项A ... 选项H      A ... H, option_a      option texts, in order, without gaps; 判断 may leave them empty
                                           (then 正确 / 错误)
答案 (required)      answer                 letters of the correct options (A, AC, "A,C"); for 判断 also
                                           正确/错误, 对/错, √/×
解析                 explanation            shown after answering
标签                 tags                   separated by commas, 、 or ;
难度                 difficulty             易/中/难, 简单/一般/困难 or 1/2/3 (default 易)
政策页面             policy_page, page      the exact title of a live page, or its URL path
==================  =====================  ==========================================================

Blank rows are skipped. A row whose question text is already in the bank, or repeats an earlier row, is an
error. Nothing is written while any row has an error; the writes run in one transaction.
"""

import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page

from quizzes.models import LETTERS, Difficulty, Question, QuestionKind, QuestionTag

MAX_ROWS = 2000
HEADERS = {
    "kind": {"题型", "kind", "type", "类型"},
    "text": {"题目", "question", "text", "题干"},
    "answer": {"答案", "answer", "正确答案"},
    "explanation": {"解析", "explanation", "答案解析"},
    "tags": {"标签", "tags"},
    "difficulty": {"难度", "difficulty"},
    "page": {"政策页面", "policy_page", "page", "依据页面"},
}
for _i, _letter in enumerate(LETTERS):
    HEADERS[f"option{_i}"] = {f"选项{_letter}", _letter.lower(), f"option{_letter.lower()}"}

KINDS = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "single": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "multiple": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "判断题": QuestionKind.TRUE_FALSE,
    "true_false": QuestionKind.TRUE_FALSE,
    "truefalse": QuestionKind.TRUE_FALSE,
}
DIFFICULTIES = {
    "易": 1, "简单": 1, "容易": 1, "1": 1, "easy": 1,
    "中": 2, "一般": 2, "中等": 2, "2": 2, "medium": 2,
    "难": 3, "困难": 3, "较难": 3, "3": 3, "hard": 3,
}  # fmt: skip
TRUE_WORDS = {"正确", "对", "√", "是", "true", "t", "y"}
FALSE_WORDS = {"错误", "错", "×", "否", "false", "f", "n"}
TAG_SPLIT = re.compile(r"[,，、;；]+")


class ImportFileError(Exception):
    pass


@dataclass
class Row:
    number: int
    question: Question | None = None
    tags: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def answer(self):
        return self.question.letters(self.question.correct) if self.question else ""


@dataclass
class Plan:
    rows: list
    warnings: list

    @property
    def errors(self):
        return [(row.number, message) for row in self.rows for message in row.errors]

    @property
    def valid(self):
        return bool(self.rows) and not self.errors


def _key(header):
    return re.sub(r"[\s*_\-]", "", str(header or "")).lower()


def read_rows(data):
    """(header map, [(row number, {column: text})]) from XLSX bytes."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(_("This is not an XLSX workbook (%(error)s).") % {"error": type(exc).__name__}) from exc
    sheet = workbook.active
    header = None
    rows = []
    warnings = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else str(v).strip() for v in values]
        if not any(cells):
            continue
        if header is None:
            lookup = {_key(name): column for column, names in HEADERS.items() for name in names}
            header = {}
            for index, cell in enumerate(cells):
                column = lookup.get(_key(cell))
                if column:
                    header[index] = column
                elif cell:
                    warnings.append(_("Column “%(name)s” is not known and was ignored.") % {"name": cell})
            missing = [name for name in ("kind", "text", "answer") if name not in header.values()]
            if missing:
                raise ImportFileError(
                    _("The header row lacks the columns: %(columns)s.")
                    % {"columns": "、".join(sorted(HEADERS[m], key=len)[0] for m in missing)}
                )
            continue
        rows.append((number, {header[i]: cells[i] for i in header if i < len(cells)}))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_("At most %(max)d questions per file.") % {"max": MAX_ROWS})
    workbook.close()
    if header is None:
        raise ImportFileError(_("The workbook is empty."))
    return rows, warnings


def plan_import(data):
    rows, warnings = read_rows(data)
    existing = set(Question.objects.values_list("text", flat=True))
    seen = {}
    page_refs = {cells.get("page") for _n, cells in rows if cells.get("page")}
    pages = {}
    if page_refs:
        for page in Page.objects.live().filter(title__in=page_refs).order_by("pk"):
            pages.setdefault(page.title, page)
        for ref in page_refs:
            if ref.startswith("/") and ref not in pages:
                found = Page.objects.live().filter(url_path__endswith=ref.strip("/") + "/").order_by("depth").first()
                if found is not None:
                    pages[ref] = found
    planned = []
    for number, cells in rows:
        row = Row(number)
        planned.append(row)
        kind = KINDS.get(cells.get("kind", "").lower())
        if kind is None:
            row.errors.append(_("Kind “%(value)s” is not 单选, 多选 or 判断.") % {"value": cells.get("kind", "")})
            continue
        text = cells.get("text", "")
        if len(text) > 500:
            row.errors.append(_("The question is longer than 500 characters."))
        if text in existing:
            row.errors.append(_("This question is already in the bank."))
        elif text and text in seen:
            row.errors.append(_("The same question is in row %(row)d.") % {"row": seen[text]})
        seen.setdefault(text, number)
        options = [cells.get(f"option{i}", "") for i in range(len(LETTERS))]
        while options and not options[-1]:
            options.pop()
        if "" in options:
            row.errors.append(
                _("Option %(letter)s is empty but a later option is not.") % {"letter": LETTERS[options.index("")]}
            )
        if kind == QuestionKind.TRUE_FALSE and not options:
            options = ["正确", "错误"]
        correct = _answer(cells.get("answer", ""), kind, row)
        difficulty = DIFFICULTIES.get(cells.get("difficulty", "").lower() or "1")
        if difficulty is None:
            row.errors.append(_("Difficulty “%(value)s” is not 易, 中 or 难.") % {"value": cells["difficulty"]})
        page = None
        if cells.get("page"):
            page = pages.get(cells["page"])
            if page is None:
                row.errors.append(_("No live page is titled or found at “%(value)s”.") % {"value": cells["page"]})
        row.question = Question(
            kind=kind,
            text=text,
            options=options,
            correct=correct or [],
            explanation=cells.get("explanation", ""),
            difficulty=difficulty or Difficulty.EASY,
            policy_page=page,
        )
        row.tags = [t.strip()[:40] for t in TAG_SPLIT.split(cells.get("tags", "")) if t.strip()]
        if correct is not None:
            try:
                from quizzes.services import validate_question

                validate_question(row.question)
            except ValidationError as exc:
                row.errors.extend(message for messages in exc.message_dict.values() for message in messages)
    if not planned:
        warnings.append(_("The file has no question rows."))
    return Plan(planned, warnings)


def _answer(value, kind, row):
    value = value.strip()
    if kind == QuestionKind.TRUE_FALSE and value.lower() in TRUE_WORDS | FALSE_WORDS:
        return [0] if value.lower() in TRUE_WORDS else [1]
    letters = re.sub(r"[\s,，、;；]", "", value).upper()
    if not letters or any(ch not in LETTERS for ch in letters):
        row.errors.append(_("Answer “%(value)s” is not option letters such as A or AC.") % {"value": value})
        return None
    return sorted({LETTERS.index(ch) for ch in letters})


@transaction.atomic
def apply_plan(plan):
    """Write every question of a valid plan; returns how many. Raises ValueError for a plan with errors."""
    if not plan.valid:
        raise ValueError("plan has errors")
    tags = {tag.name: tag for tag in QuestionTag.objects.all()}
    for row in plan.rows:
        row.question.save()
        for name in row.tags:
            if name not in tags:
                tags[name] = QuestionTag.objects.create(name=name)
        row.question.tags.set([tags[name] for name in row.tags])
    return len(plan.rows)


def template_workbook():
    """An XLSX with the header row and two example rows, for editors to fill in."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题库"
    sheet.append(["题型", "题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "标签", "难度", "政策页面"])
    sheet.append(["单选", "“四风”不包括下列哪一项？", "形式主义", "官僚主义", "本位主义", "享乐主义", "C",
                  "“四风”是形式主义、官僚主义、享乐主义和奢靡之风。", "八项规定、四风", "易", ""])  # fmt: skip
    sheet.append(["判断", "接待对象应当按规定标准自行用餐。", "", "", "", "", "正确", "", "公务接待", "中", ""])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
