"""Public pages: the explanation behind an SMS quiz short link."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from quizzes.models import LETTERS, SmsQuestion


def sms_explanation(request, code):
    """The question, its answer and explanation; only from the day it was asked (the answer is no spoiler then)."""
    sms_question = get_object_or_404(
        SmsQuestion.objects.select_related("question__policy_page"), code=code, day__lte=timezone.localdate()
    )
    question = sms_question.question
    options = [(LETTERS[i], text, i in question.correct) for i, text in enumerate(question.options)]
    page = question.policy_page
    return TemplateResponse(
        request,
        "quizzes/sms_explanation.html",
        {
            "sms_question": sms_question,
            "question": question,
            "options": options,
            "answer": question.letters(question.correct),
            "policy_url": page.url if page is not None and page.live else None,
            "policy_title": page.title if page is not None else "",
        },
    )
