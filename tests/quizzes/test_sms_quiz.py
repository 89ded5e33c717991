import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from quizzes import sms_quiz
from quizzes.models import QuestionKind, SmsAnswer
from sms import replies
from sms import services as sms_services
from sms.gateways import InboundMessage, get_gateway
from sms.models import Campaign
from study.models import PointsEntry
from tests.directory.factories import CadreFactory

PHONE = "+8613912345678"


@pytest.fixture
def today_question(make_questions):
    [question] = make_questions(1)  # options 对的 / 错的一 / 错的二 / 错的三, answer A
    return sms_quiz.set_question(timezone.localdate(), question)


@pytest.fixture
def texter(db):
    from sms.gateways.console import GatewayBackend

    cadre = CadreFactory(phone=PHONE)
    GatewayBackend.outbox.clear()

    def send(body, n=[0]):  # noqa: B006 - a counter for provider ids
        n[0] += 1
        replies.receive(InboundMessage(sender=PHONE, body=body, provider_id=f"SMQ{n[0]}"), get_gateway("console"))
        return GatewayBackend.outbox[-1][1] if GatewayBackend.outbox else None

    send.cadre = cadre
    return send


@pytest.mark.parametrize("body", ["A", "1", "Ａ", "a", " a。", "１"])
def test_every_way_of_writing_a_is_the_same_answer(body):
    assert sms_quiz.parse_reply(body) == [0]


@pytest.mark.parametrize("body", ["HELP", "好的", "A1", "", "TD", "谢谢"])
def test_other_text_is_not_an_answer(body):
    assert sms_quiz.parse_reply(body) is None


def test_a_reply_is_scored_once_and_answered_with_a_link(today_question, texter):
    reply = texter("Ａ")
    assert f"/q/{today_question.code}" in reply
    answer = SmsAnswer.objects.get(cadre=texter.cadre)
    assert answer.is_correct and answer.points == sms_quiz.SMS_POINTS
    again = texter("B")
    assert "A" in again and f"/q/{today_question.code}" in again
    assert SmsAnswer.objects.count() == 1 and SmsAnswer.objects.get().chosen == [0]
    assert PointsEntry.objects.get(cadre=texter.cadre, source="sms_quiz").points == sms_quiz.SMS_POINTS


def test_a_wrong_answer_scores_nothing_and_gives_the_right_one(today_question, texter):
    reply = texter("3")
    answer = SmsAnswer.objects.get()
    assert not answer.is_correct and answer.points == 0 and answer.chosen == [2]
    assert "A" in reply
    assert not PointsEntry.objects.filter(cadre=texter.cadre).exists()


def test_malformed_replies_are_refused_and_never_scored(today_question, texter):
    assert "A" in texter("E") and "D" in texter("E")  # out of range: told the letters to use
    assert texter("AB")  # one answer only for a single-choice question
    assert texter("AA")
    assert not SmsAnswer.objects.exists()
    help_reply = texter("帮助")
    assert help_reply.endswith(str(replies.HELP_TEXT)) or "TD" in help_reply  # HELP still reaches its handler


def test_no_question_today_leaves_letters_to_other_handlers(make_questions, texter):
    [question] = make_questions(1)
    sms_quiz.set_question(timezone.localdate() - datetime.timedelta(days=1), question)
    assert replies.answer(InboundMessage(sender=PHONE, body="A"), texter.cadre) is None


def test_unknown_numbers_are_not_scored(today_question):
    assert replies.answer(InboundMessage(sender="+8613700000000", body="A"), None) is None


def test_multiple_choice_by_sms(make_questions, texter):
    [question] = make_questions(1, kind=QuestionKind.MULTIPLE)
    sms_quiz.set_question(timezone.localdate(), question)
    texter("a, c")
    assert SmsAnswer.objects.get().is_correct


def test_the_campaign_carries_the_question_and_waits_for_approval(today_question, django_user_model):
    editor = django_user_model.objects.create_user("editor")
    editor.user_permissions.add(Permission.objects.get(codename="add_campaign"))
    campaign = sms_quiz.prepare_campaign(today_question, editor)
    assert campaign.status == Campaign.Status.PENDING and campaign.all_cadres
    # The question's SMS template (sms.system_templates) filled with the question and its lettered options.
    text = sms_services.campaign_text(campaign)
    assert campaign.template.purpose == "quizzes.question.single" and campaign.text == ""
    assert text.startswith("每日一题：" + today_question.question.text) and "A.对的" in text
    assert text.endswith("请回复您所选答案的字母。")
    assert sms_quiz.prepare_campaign(today_question, editor) == campaign  # idempotent


def test_the_explanation_page(today_question, client):
    response = client.get(f"/q/{today_question.code}")
    assert response.status_code == 200
    assert "解析0" in response.content.decode()
    assert client.get("/q/nosuchcode").status_code == 404
