import pytest
from django.utils import timezone

from directory.demo import load_demo
from quizzes.models import Attempt, BoardScore, DepartmentBoardScore, Question, QuizMode, QuizPage, SmsQuestion
from sms.models import Campaign


def snapshot():
    return tuple(model.objects.count() for model in (Question, QuizPage, Attempt, BoardScore))


@pytest.mark.django_db
def test_the_demo_has_the_bank_four_quizzes_a_played_competition_and_the_sms_question():
    load_demo()
    counts = (Question.objects.count(), QuizPage.objects.count(), Attempt.objects.count(), BoardScore.objects.count())
    load_demo()
    assert (
        Question.objects.count(),
        QuizPage.objects.count(),
        Attempt.objects.count(),
        BoardScore.objects.count(),
    ) == (counts)
    assert counts[0] == 150
    assert set(QuizPage.objects.values_list("mode", flat=True)) == set(QuizMode.values)
    assert all(page.live and page.url for page in QuizPage.objects.all())
    assert Question.objects.filter(policy_page__isnull=False).count() > 100
    contest = QuizPage.objects.get(mode=QuizMode.COMPETITION)
    assert Attempt.objects.filter(quiz=contest).count() == 240
    assert DepartmentBoardScore.objects.filter(period=f"quiz:{contest.pk}", participants__gte=3).exists()
    today = SmsQuestion.objects.get(day=timezone.localdate())
    assert today.campaign.status == Campaign.Status.PENDING
