"""The complaint form: one validation for the web page, the app screen and the GraphQL mutation."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.error_codes import ComplaintErrorCode
from complaints.models import Category, Level
from directory.models import Department


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("What happened"), choices=Category.choices)
    concerned_department = forms.ModelChoiceField(
        label=_("Department concerned"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=_("— choose if you know it —"),
    )
    concerned_person = forms.CharField(label=_("Person concerned"), max_length=100, required=False)
    concerned_post = forms.CharField(
        label=_("Their post"),
        max_length=100,
        required=False,
        help_text=_("For example 窗口科科长, 镇党委副书记: what they do, as far as you know it."),
    )
    concerned_level = forms.ChoiceField(
        label=_("Their level"), choices=[("", _("Not known")), *Level.choices], required=False
    )
    related_reference = forms.CharField(
        label=_("Approval tracking number (optional)"),
        max_length=40,
        required=False,
        help_text=_("If the complaint is about an application you made online, its tracking number."),
    )
    description = forms.CharField(
        label=_("Describe what happened"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("When, where, who, what: facts that can be checked."),
    )
    is_anonymous = forms.TypedChoiceField(
        label=_("Anonymous?"),
        choices=[("1", _("Stay anonymous")), ("0", _("Give my name and phone for SMS updates"))],
        coerce=lambda value: value in ("1", True, "true", "True"),
        initial="1",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Your mobile number"), max_length=20, required=False)

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if len(text) < 10:
            raise forms.ValidationError(
                _("Describe what happened in at least 10 characters."), code=ComplaintErrorCode.TOO_SHORT
            )
        return text

    def clean_related_reference(self):
        return "".join(self.cleaned_data.get("related_reference", "").split()).upper()

    def clean_concerned_post(self):
        return " ".join(self.cleaned_data.get("concerned_post", "").split())

    def clean_concerned_person(self):
        return " ".join(self.cleaned_data.get("concerned_person", "").split())

    def clean(self):
        from sms.codes import CodeError, normalise_phone

        data = super().clean()
        if not data.get("concerned_department") and not data.get("concerned_person"):
            self.add_error("concerned_department", _("Name the department or the person concerned."))
        if data.get("is_anonymous") is False:
            name = (data.get("name") or "").strip()
            if not name:
                self.add_error("name", _("Give your name, or choose to stay anonymous."))
            data["name"] = name
            try:
                data["phone"] = normalise_phone(data.get("phone"))
            except CodeError as exc:
                self.add_error("phone", exc.message)
        else:
            # An anonymous complaint keeps nothing of what may have been typed into the name fields.
            data["name"] = data["phone"] = ""
        return data


class LookupForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=24)
    receipt = forms.CharField(label=_("Receipt"), max_length=40, widget=forms.PasswordInput(render_value=True))


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class SubscribeForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    code = forms.CharField(label=pgettext_lazy("verification", "Code"), max_length=6, required=False)
    stop = forms.BooleanField(required=False, widget=forms.HiddenInput)
