from django.utils import timezone

from quizzes.models import Attempt, BoardScore, DepartmentBoardScore, Question, QuizMode, QuizPage, SmsQuestion
from sms.models import Campaign
from tests.demo import demo_snapshot


@demo_snapshot
def quiz_counts():
    return tuple(model.objects.count() for model in (Question, QuizPage, Attempt, BoardScore))


def test_the_demo_has_the_bank_four_quizzes_a_played_competition_and_the_sms_question(demo):
    counts = demo.first["quiz_counts"]
    assert quiz_counts() == counts  # the second run added nothing
    assert counts[0] == 150
    assert set(QuizPage.objects.values_list("mode", flat=True)) == set(QuizMode.values)
    assert all(page.live and page.url for page in QuizPage.objects.all())
    assert Question.objects.filter(policy_page__isnull=False).count() > 100
    contest = QuizPage.objects.get(mode=QuizMode.COMPETITION)
    assert Attempt.objects.filter(quiz=contest).count() == 240
    assert DepartmentBoardScore.objects.filter(period=f"quiz:{contest.pk}", participants__gte=3).exists()
    today = SmsQuestion.objects.get(day=timezone.localdate())
    assert today.campaign.status == Campaign.Status.PENDING
