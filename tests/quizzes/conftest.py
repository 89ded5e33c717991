import datetime

import pytest
from django.utils import timezone

from quizzes.models import Question, QuestionKind, QuestionTag, QuizMode, QuizPage
from tests.api.conftest import gql  # noqa: F401 - the GraphQL client fixture
from tests.directory.factories import CadreFactory, DepartmentFactory


@pytest.fixture
def make_questions(db):
    def make(n=10, kind=QuestionKind.SINGLE, tag="八项规定", difficulty=1):
        tag_row, _created = QuestionTag.objects.get_or_create(name=tag)
        questions = []
        for i in range(n):
            if kind == QuestionKind.MULTIPLE:
                q = Question.objects.create(
                    kind=kind, text=f"{tag}多选题{i}", options=["甲", "乙", "丙", "丁"], correct=[0, 2],
                    explanation="甲和丙。", difficulty=difficulty,
                )  # fmt: skip
            elif kind == QuestionKind.TRUE_FALSE:
                q = Question.objects.create(
                    kind=kind, text=f"{tag}判断题{i}", options=["正确", "错误"], correct=[0], difficulty=difficulty
                )
            else:
                q = Question.objects.create(
                    kind=kind, text=f"{tag}单选题{i}", options=["对的", "错的一", "错的二", "错的三"], correct=[0],
                    explanation=f"解析{i}", difficulty=difficulty,
                )  # fmt: skip
            q.tags.add(tag_row)
            questions.append(q)
        return questions

    return make


@pytest.fixture
def make_quiz(home_page):
    def make(mode=QuizMode.TIMED, count=5, seconds=30, slug=None, **fields):
        quiz = QuizPage(
            title=f"测验{mode}", slug=slug or f"quiz-{mode}-{QuizPage.objects.count()}", mode=mode,
            question_count=count, seconds_per_question=seconds, **fields,
        )  # fmt: skip
        home_page.add_child(instance=quiz)
        quiz.save_revision().publish()
        return QuizPage.objects.get(pk=quiz.pk)

    return make


@pytest.fixture
def department(db):
    return DepartmentFactory(code="QH-TEST", name="市测试局")


@pytest.fixture
def make_cadre(department, django_user_model):
    def make(department_=None, with_user=True, **fields):
        cadre = CadreFactory(department=department_ or department, **fields)
        if with_user:
            cadre.user = django_user_model.objects.create_user(f"cadre-{cadre.pk}", first_name=cadre.name)
            cadre.save(update_fields=["user"])
        return cadre

    return make


@pytest.fixture
def cadre(make_cadre):
    return make_cadre(name="王建国")


@pytest.fixture
def clock():
    """A controllable now for services: clock.now, clock.tick(seconds)."""

    class Clock:
        now = timezone.now().replace(microsecond=0)

        def tick(self, seconds):
            self.now += datetime.timedelta(seconds=seconds)
            return self.now

    return Clock()


def right_choice(item):
    return [item.option_order.index(i) for i in item.question.correct]


def wrong_choice(item):
    return [next(i for i in range(len(item.option_order)) if item.option_order[i] not in item.question.correct)]
