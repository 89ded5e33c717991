"""The admin form of a question: options one per line and the answer as letters, instead of raw JSON."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from quizzes.models import LETTERS, QuestionKind


class QuestionForm(WagtailAdminModelForm):
    options_text = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One option per line, in order A, B, C... A true-or-false question may leave this empty."),
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=8, help_text=_("The letters of the correct options: A or AC.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["options_text"].initial = "\n".join(self.instance.options)
            self.fields["answer"].initial = self.instance.letters(self.instance.correct)

    def clean(self):
        cleaned = super().clean()
        options = [line.strip() for line in (cleaned.get("options_text") or "").splitlines() if line.strip()]
        if cleaned.get("kind") == QuestionKind.TRUE_FALSE and not options:
            options = ["正确", "错误"]
        letters = re.sub(r"[\s,，、]", "", cleaned.get("answer") or "").upper()
        if any(ch not in LETTERS for ch in letters):
            self.add_error("answer", _("Write option letters such as A or AC."))
            return cleaned
        self.instance.options = options
        self.instance.correct = sorted({LETTERS.index(ch) for ch in letters})
        self.instance.kind = cleaned.get("kind") or self.instance.kind
        self.instance.text = cleaned.get("text") or ""
        from quizzes.services import validate_question

        try:
            validate_question(self.instance)
        except ValidationError as exc:
            fields = {"options": "options_text", "correct": "answer", "text": "text"}
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(fields.get(name), message)
        return cleaned
