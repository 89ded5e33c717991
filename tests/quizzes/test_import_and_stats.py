import io

import pytest
from django.contrib.auth.models import Group
from openpyxl import Workbook, load_workbook

from directory.roles import role_group
from quizzes import importing, stats
from quizzes.demo import load_questions
from quizzes.models import Question, QuizMode
from tests.quizzes.conftest import right_choice, wrong_choice

HEADER = ["题型", "题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "标签", "难度"]


def workbook(*rows, header=HEADER):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    ("单选", "“四风”不包括？", "形式主义", "官僚主义", "本位主义", "享乐主义", "C", "解析", "四风、八项规定", "易"),
    ("多选", "六项纪律包括？", "政治纪律", "经济纪律", "廉洁纪律", "", "A, C", "", "纪律处分条例", "中"),
    ("判断", "接待对象应当自行用餐。", "", "", "", "", "正确", "", "公务接待", "难"),
]


def test_a_good_file_imports_whole(db):
    plan = importing.plan_import(workbook(*GOOD))
    assert plan.valid, plan.errors
    assert importing.apply_plan(plan) == 3
    tf = Question.objects.get(kind="true_false")
    assert tf.options == ["正确", "错误"] and tf.correct == [0] and tf.difficulty == 3
    multi = Question.objects.get(kind="multiple")
    assert multi.options == ["政治纪律", "经济纪律", "廉洁纪律"] and multi.correct == [0, 2]
    assert sorted(Question.objects.get(kind="single").tags.values_list("name", flat=True)) == ["八项规定", "四风"]


def test_errors_name_their_rows_and_nothing_is_written(db):
    rows = [
        *GOOD,
        ("填空", "错的题型", "a", "b", "", "", "A", "", "", ""),
        ("单选", "答案越界", "a", "b", "", "", "D", "", "", ""),
        ("单选", "“四风”不包括？", "a", "b", "", "", "A", "", "", ""),
        ("单选", "中间有空选项", "a", "", "c", "", "A", "", "", ""),
        ("多选", "只有一个答案的多选", "a", "b", "c", "", "B", "", "", "超难"),
    ]
    plan = importing.plan_import(workbook(*rows))
    numbers = sorted({number for number, _message in plan.errors})
    assert numbers == [5, 6, 7, 8, 9]
    assert not plan.valid
    with pytest.raises(ValueError):
        importing.apply_plan(plan)
    assert not Question.objects.exists()


def test_not_a_workbook_or_without_required_columns(db):
    with pytest.raises(importing.ImportFileError):
        importing.plan_import(b"not a zip")
    with pytest.raises(importing.ImportFileError):
        importing.plan_import(workbook(("a",), header=["题目", "备注"]))


def test_the_demo_bank_has_150_valid_questions(db):
    assert load_questions() == 150
    assert load_questions() == 0  # idempotent
    assert Question.objects.filter(kind="multiple").count() > 20


def test_statistics_and_export(make_questions, make_quiz, make_cadre, clock, department):
    from quizzes import services

    make_questions(4)
    quiz = make_quiz(QuizMode.PRACTICE, count=4)
    for n in range(12):
        cadre = make_cadre()
        attempt = services.start_attempt(quiz, cadre, now=clock.now)
        while True:
            attempt, item = services.serve_current(attempt, cadre, now=clock.now)
            if item is None:
                break
            good = (n + item.question.pk) % 3 != 0 if n < 6 else True
            services.answer_question(
                attempt, item.pk, right_choice(item) if good else wrong_choice(item), cadre, now=clock.now
            )
    rows = stats.question_stats()
    assert len(rows) == 4 and all(r.answered == 12 for r in rows)
    hardest = rows[0]
    assert hardest.share_correct < 1 and sum(c for _l, _t, c in hardest.wrong_options()) == 12 - hardest.correct
    assert hardest.discrimination is not None and hardest.discrimination > 0
    missed = stats.most_missed(department)
    assert missed and missed[0][2] >= 1
    book = load_workbook(io.BytesIO(stats.to_xlsx(stats.export_rows(rows))))
    assert book.active.max_row == 5
    assert stats.to_csv(stats.export_rows(rows)).startswith("\ufeff".encode())


def test_editor_admin_pages(client, django_user_model, make_questions):
    make_questions(2)
    editor = django_user_model.objects.create_user("ed", password="x")
    editor.groups.add(role_group("editor"))
    client.force_login(editor)
    for url in ("/admin/quizzes/import/", "/admin/quizzes/statistics/", "/admin/study/record/",
                "/admin/snippets/quizzes/question/", "/admin/snippets/quizzes/question/add/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/quizzes/statistics/?format=xlsx")["Content-Type"].startswith("application/vnd")
    response = client.post("/admin/quizzes/import/", {"file": _upload(workbook(*GOOD))})
    assert response.status_code == 200 and "3" in response.content.decode()
    digest = response.context["digest"]
    client.post("/admin/quizzes/import/", {"confirm": "1", "digest": digest})
    assert Question.objects.count() == 5
    added = client.post(
        "/admin/snippets/quizzes/question/add/",
        {"kind": "single", "difficulty": 1, "is_active": "on", "text": "新题", "options_text": "甲\n乙", "answer": "C"},
    )
    assert added.status_code == 200 and not Question.objects.filter(text="新题").exists()  # C is not an option
    client.post(
        "/admin/snippets/quizzes/question/add/",
        {
            "kind": "multiple",
            "difficulty": 2,
            "is_active": "on",
            "text": "新题",
            "options_text": "甲\n乙\n丙",
            "answer": "a,c",
        },
    )
    saved = Question.objects.get(text="新题")
    assert saved.options == ["甲", "乙", "丙"] and saved.correct == [0, 2]
    nobody = django_user_model.objects.create_user("nobody")
    nobody.groups.add(Group.objects.get_or_create(name="nothing")[0])
    client.force_login(nobody)
    assert client.get("/admin/quizzes/statistics/").status_code in (302, 403)


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("q.xlsx", data)
