import pytest
from django.test import override_settings

from forum import services
from forum.models import HoldReason, ModerationAction, PostReport, PostStatus, ReportReason
from tests.forum.factories import PostFactory, TopicFactory, UserFactory


def _report_url(post):
    return post.topic.board.url + post.topic.board.reverse_subpage("report", kwargs={"pk": post.pk})


@pytest.mark.django_db
def test_a_logged_in_user_reports_a_post_once_and_a_second_report_is_ignored(english, board, user):
    post = PostFactory(topic=TopicFactory(board=board))
    english.force_login(user)
    form_page = english.get(_report_url(post)).content.decode()
    assert "Spam or advertising" in form_page and "False information" in form_page

    response = english.post(_report_url(post), {"reason": ReportReason.SPAM, "note": "广告"}, follow=True)
    assert "Thank you for your report" in response.content.decode()
    response = english.post(_report_url(post), {"reason": ReportReason.ABUSE}, follow=True)
    assert "You have already reported this post." in response.content.decode()
    report = PostReport.objects.get()
    assert (report.reporter, report.reason, report.note) == (user, ReportReason.SPAM, "广告")


@pytest.mark.django_db
def test_reporting_needs_a_login_and_a_reason(english, board, user):
    post = PostFactory(topic=TopicFactory(board=board))
    response = english.post(_report_url(post), {"reason": ReportReason.SPAM})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    english.force_login(user)
    response = english.post(_report_url(post), {"reason": "", "note": "说明文字"})
    assert response.status_code == 200 and "说明文字" in response.content.decode()
    assert not PostReport.objects.exists()


@pytest.mark.django_db
@override_settings(FORUM_REPORTS_TO_HIDE=3)
def test_the_third_distinct_report_hides_the_post_pending_review(english, board):
    post = PostFactory(topic=TopicFactory(board=board), body="可疑的内容")
    reporters = UserFactory.create_batch(3)
    for reporter in reporters[:2]:
        services.report_post(post, reporter, ReportReason.FALSE_INFORMATION)
        services.report_post(post, reporter, ReportReason.FALSE_INFORMATION)  # repeats do not count
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED

    services.report_post(post, reporters[2], ReportReason.ABUSE)
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN and post.held_for == HoldReason.REPORTS
    action = ModerationAction.objects.get()
    assert action.action == ModerationAction.Action.AUTO_HIDE and action.moderator is None and action.post == post
    assert "可疑的内容" not in english.get(post.topic.get_url()).content.decode()
    assert PostReport.objects.filter(resolved=False).count() == 3  # still waiting for a moderator
