"""``{% idempotency_field %}``: the hidden key of a form that creates something (core/idempotency.py).

A new uuid4 when the form is first rendered; the posted one again when the form comes back with errors, so the
corrected submission and any resend of it stay one submission.
"""

import uuid

from django import template
from django.utils.html import format_html

from core.idempotency import FIELD, valid_key

register = template.Library()


@register.simple_tag(takes_context=True)
def idempotency_field(context):
    request = context.get("request")
    posted = request.POST.get(FIELD, "") if request is not None and request.method == "POST" else ""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, valid_key(posted) or uuid.uuid4().hex)
