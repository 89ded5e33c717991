"""The SMS quiz: the day's question goes out as an SMS campaign; a cadre's reply ("A", "1", "Ａ", "a c") is scored.

How a campaign carries the question
-----------------------------------
An editor picks the day's question (an ``SmsQuestion``: day + question). ``prepare_campaign`` writes an ordinary
``sms.Campaign`` from it, timed for that morning (``QUIZ_SMS_SEND_TIME``, 08:30), to every subscribed cadre: its
SMS template (``quizzes.question.single`` or ``.multiple``, sms/system_templates.py) filled with the question and
its options lettered A, B, C..., ending with how to reply. The campaign is submitted, and a
reviewer approves it in the SMS admin like any other campaign (the two-person rule stays whole: the quiz app
never approves its own text). Editing the question afterwards does not touch an approved campaign.

How a reply is scored
---------------------
``answer_sms`` is registered with ``sms.replies.reply_handler`` (priority 50: after STOP/START, before HELP). It
only claims replies that look like an answer (letters A-H or digits 1-8, spaces and punctuation ignored) from a
known cadre on a day with a question; anything else goes on to the next handler. The answer is stored once
(unique per question and cadre): a second reply is told its first answer and is never scored again. The reply
gives the result and a short link (``/q/<code>``) to the explanation; points go to the study record.
"""

from __future__ import annotations

import datetime
import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.points import PointSource, earn
from quizzes.models import LETTERS, QuestionKind, SmsAnswer, SmsQuestion
from sms.replies import normalise, reply_handler

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from directory.models import Cadre
    from quizzes.models import Question
    from sms.gateways import InboundMessage
    from sms.models import Campaign

SEND_TIME = getattr(settings, "QUIZ_SMS_SEND_TIME", datetime.time(8, 30))
SMS_POINTS = getattr(settings, "QUIZ_SMS_POINTS", 5)
ANSWER_PATTERN = re.compile(r"^(?:[A-H]{1,8}|[1-8]{1,8})$")


def new_code() -> str:
    return secrets.token_urlsafe(6)[:8]


def explanation_link(sms_question: SmsQuestion) -> str:
    path = reverse("quizzes:sms_explanation", args=[sms_question.code])
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


@transaction.atomic
def set_question(day: datetime.date, question: Question) -> SmsQuestion:
    """The day's SMS question (replacing the question of a day whose campaign is not out yet)."""
    from quizzes.services import validate_question

    validate_question(question)
    row = SmsQuestion.objects.select_for_update().filter(day=day).first()
    if row is None:
        return SmsQuestion.objects.create(day=day, question=question, code=new_code())
    if row.campaign_id and row.campaign.status not in ("draft", "cancelled"):
        from django.core.exceptions import ValidationError

        raise ValidationError(_("That day's question has gone to approval already; cancel its campaign first."))
    row.question = question
    row.save(update_fields=["question"])
    return row


def campaign_template(sms_question: SmsQuestion) -> tuple[str, dict]:
    """(SMS template key, values) of the day's question: its text, and its options lettered A, B, C..."""
    question = sms_question.question
    options = " ".join(f"{LETTERS[i]}.{text}" for i, text in enumerate(question.options))
    key = "quizzes.question.multiple" if question.kind == QuestionKind.MULTIPLE else "quizzes.question.single"
    return key, {"question": question.text, "options": options}


def campaign_text(sms_question: SmsQuestion) -> str:
    """The question as the SMS says it (its template rendered)."""
    from sms import system_templates, templating

    key, params = campaign_template(sms_question)
    return templating.render(system_templates.system_template(key), params)


@transaction.atomic
def prepare_campaign(sms_question: SmsQuestion, by: AbstractBaseUser) -> Campaign:
    """Write and submit the day's campaign (timed for SEND_TIME, to all subscribed cadres); a reviewer approves."""
    from sms import services as sms_services
    from sms import system_templates
    from sms.models import Campaign

    sms_question = SmsQuestion.objects.select_for_update().select_related("question").get(pk=sms_question.pk)
    if sms_question.campaign_id:
        return sms_question.campaign
    send_at = timezone.make_aware(datetime.datetime.combine(sms_question.day, SEND_TIME))
    key, params = campaign_template(sms_question)
    campaign = Campaign.objects.create(
        title=_("Question of the day %(day)s") % {"day": sms_question.day.isoformat()},
        template=system_templates.system_template(key),
        template_params=params,
        timing=Campaign.Timing.AT,
        send_at=max(send_at, timezone.now()),
        all_cadres=True,
        created_by=by,
    )
    # Raises ValidationError naming the rule when the question or its options are too long for the template.
    sms_services.submit_campaign(campaign, by)
    sms_question.campaign = campaign
    sms_question.save(update_fields=["campaign"])
    return campaign


def parse_reply(body: str) -> list[int] | None:
    """Option indices from a reply ("A", "1", "Ａ", "a, c", "13"), or None if it is not an answer."""
    text = normalise(body).replace(" ", "")
    if not ANSWER_PATTERN.match(text):
        return None
    if text.isdigit():
        return [int(ch) - 1 for ch in text]
    return [LETTERS.index(ch) for ch in text]


def record_answer(
    sms_question: SmsQuestion, cadre: Cadre, indices: list[int], now: datetime.datetime | None = None
) -> tuple[SmsAnswer, bool]:
    """(answer, created): stores and scores the first answer of a cadre; a repeat returns the first one."""
    now = now or timezone.now()
    question = sms_question.question
    correct = sorted(set(indices)) == sorted(question.correct)
    try:
        with transaction.atomic():
            answer = SmsAnswer.objects.create(
                sms_question=sms_question,
                cadre=cadre,
                chosen=sorted(set(indices)),
                is_correct=correct,
                points=SMS_POINTS if correct else 0,
                answered_at=now,
            )
            earn(
                source=PointSource.SMS_QUIZ,
                key=f"sms:{answer.pk}",
                cadre_id=cadre.pk,
                day=timezone.localdate(now),
                points=answer.points,
                at=now,
            )
    except IntegrityError:
        return SmsAnswer.objects.get(sms_question=sms_question, cadre=cadre), False
    return answer, True


@reply_handler(priority=50, label=gettext_lazy("SMS quiz answer"))
def answer_sms(inbound: InboundMessage, cadre: Cadre | None) -> str | None:
    if cadre is None:
        return None
    indices = parse_reply(inbound.body)
    if indices is None:
        return None
    sms_question = SmsQuestion.objects.select_related("question").filter(day=timezone.localdate()).first()
    if sms_question is None:
        return None
    question = sms_question.question
    last = LETTERS[len(question.options) - 1]
    if any(i >= len(question.options) for i in indices) or len(set(indices)) != len(indices):
        return _("Please reply with one of the letters A to %(last)s (or the digits 1 to %(n)d).") % {
            "last": last,
            "n": len(question.options),
        }
    if question.kind != QuestionKind.MULTIPLE and len(indices) > 1:
        return _("This question has one answer: reply with a single letter A to %(last)s.") % {"last": last}
    answer, created = record_answer(sms_question, cadre, indices)
    link = explanation_link(sms_question)
    right = question.letters(question.correct)
    if not created:
        return _(
            "You already answered today's question (%(yours)s); the answer is %(right)s. Explanation: %(link)s"
        ) % {
            "yours": question.letters(answer.chosen),
            "right": right,
            "link": link,
        }
    if answer.is_correct:
        return _("Correct! +%(points)d study points. Explanation: %(link)s") % {"points": answer.points, "link": link}
    return _("Not quite: the answer is %(right)s. Explanation: %(link)s") % {"right": right, "link": link}
