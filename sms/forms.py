"""The campaign form of the admin: content, audience and timing, validated before anything can be submitted."""

import phonenumbers
from croniter import croniter
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from directory.models import Cadre, Rank
from sms import services
from sms.encoding import segment_info
from sms.error_codes import SmsErrorCode
from sms.models import Campaign

MAX_HOLIDAY_DAYS_BEFORE = 10


class CadrePhonesField(forms.Field):
    """Cadres named by their mobile numbers, one a line: a city has thousands, too many for a select box."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "13800000000"})

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        cadres = list(value or [])
        if cadres and not isinstance(cadres[0], Cadre):
            cadres = list(Cadre.objects.filter(pk__in=cadres))
        return "\n".join(str(cadre.phone.as_national if cadre.phone else "") for cadre in cadres)

    def clean(self, value):
        value = super().clean(value)
        numbers, bad = [], []
        for line in (value or "").replace("，", "\n").replace(",", "\n").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                number = phonenumbers.parse(line, "CN")
                if not phonenumbers.is_valid_number(number):
                    raise phonenumbers.NumberParseException(0, "invalid")
            except phonenumbers.NumberParseException:
                bad.append(line)
                continue
            numbers.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
        cadres = list(Cadre.objects.filter(phone__in=numbers))
        unknown = sorted(set(numbers) - {str(cadre.phone) for cadre in cadres})
        if bad or unknown:
            raise ValidationError(
                _("No cadre has these numbers: %(numbers)s"),
                params={"numbers": "、".join(bad + unknown)},
                code=SmsErrorCode.UNKNOWN_CADRE,
            )
        return cadres


REPEAT_CHOICES = [
    ("", _("Choose…")),
    ("daily", _("Every day")),
    ("weekly", _("Every week")),
    ("monthly", _("Every month")),
]
WEEKDAY_CHOICES = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("0", _("Sunday")),
]


def picked_cron(repeat: str, at, weekday: str, day: int | None) -> str:
    """The cron expression of a schedule picked in plain words (daily, weekly on a weekday, monthly on a day)."""
    base = f"{at.minute} {at.hour}"
    if repeat == "daily":
        return f"{base} * * *"
    if repeat == "weekly":
        return f"{base} * * {weekday or 1}"
    return f"{base} {day or 1} * *"


class CampaignForm(WagtailAdminModelForm):
    # "posts held": the catalogue already translates "posts" as forum posts.
    posts = forms.MultipleChoiceField(
        label=_("posts held"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    ranks = forms.MultipleChoiceField(
        label=_("ranks"), required=False, widget=forms.CheckboxSelectMultiple, choices=Rank.choices
    )
    exclude_cadres = CadrePhonesField(
        label=_("except cadres"), required=False, help_text=_("Mobile numbers, one a line.")
    )
    repeat = forms.ChoiceField(label=_("repeats"), required=False, choices=REPEAT_CHOICES)
    repeat_time = forms.TimeField(label=_("at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    repeat_weekday = forms.ChoiceField(label=_("on (weekly)"), required=False, choices=WEEKDAY_CHOICES)
    repeat_day = forms.IntegerField(label=_("day of the month"), required=False, min_value=1, max_value=28)
    template_values = forms.CharField(
        label=_("template values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "phrase=节日期间请严守八项规定"}),
        help_text=_(
            "One variable a line: name=value. The variables name, post and unit are filled from each cadre "
            "(姓名, 职务, 单位)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "posts" in self.fields:
            # Posts are free text on the cadre: offer the ones in use, plus any the campaign already names.
            known = Cadre.objects.exclude(post="").order_by("post").values_list("post", flat=True).distinct()
            chosen = self.instance.posts if self.instance.pk else []
            self.fields["posts"].choices = [(post, post) for post in sorted({*known, *chosen})]
        if "template_values" in self.fields and self.instance.pk:
            params = self.instance.template_params or {}
            self.fields["template_values"].initial = "\n".join(f"{k}={v}" for k, v in params.items())

    def clean(self):
        cleaned = super().clean()
        self._clean_content(cleaned)
        self._clean_audience(cleaned)
        self._clean_timing(cleaned)
        return cleaned

    def _template_params(self, cleaned):
        params = {}
        for line in (cleaned.get("template_values") or "").splitlines():
            name, sep, value = line.partition("=")
            if not line.strip():
                continue
            if not sep or not name.strip():
                self.add_error(
                    "template_values",
                    ValidationError(
                        _("“%(line)s” is not name=value.") % {"line": line.strip()},
                        code=SmsErrorCode.TEMPLATE_PARAMETER,
                    ),
                )
                return None
            params[name.strip()] = value.strip()
        return params

    def _clean_content(self, cleaned):
        phrase, text = cleaned.get("phrase"), (cleaned.get("text") or "").strip()
        template = cleaned.get("template")
        if "text" in cleaned:
            cleaned["text"] = text
        params = self._template_params(cleaned) if template else {}
        if params is None:
            return
        self.instance.template_params = params
        if not phrase and not text and not template:
            self.add_error("text", _("Choose a template or a warning phrase, or write the text of the message."))
            return
        # Measured as the recipient gets it (signature, short link) by the same rule submission applies.
        sample = Campaign(
            phrase=phrase, text=text, link_page=cleaned.get("link_page"), template=template, template_params=params
        )
        field = "template_values" if template else "phrase" if phrase else "text"
        try:
            services.validate_content(sample)
        except ValidationError as error:
            if error.code == SmsErrorCode.TEMPLATE_NOT_APPROVED:
                field = "template"
            if error.code != SmsErrorCode.TOO_LONG:
                self.add_error(field, error)
                return
            info = segment_info(services._sample_body(sample))
            self.add_error(
                field,
                ValidationError(
                    _(
                        "The message is too long: %(units)d characters in %(encoding)s take %(segments)d segments; "
                        "at most %(max)d are allowed."
                    ),
                    params={
                        "units": info.units,
                        "encoding": info.encoding,
                        "segments": info.segments,
                        "max": settings.SMS_MAX_SEGMENTS,
                    },
                    code=SmsErrorCode.TOO_LONG,
                ),
            )

    def _clean_audience(self, cleaned):
        if not any(cleaned.get(name) for name in ("all_cadres", "departments", "groups", "posts", "ranks")):
            self.add_error(
                "all_cadres", _("Choose who receives the message: all cadres, departments, groups, posts or ranks.")
            )

    def _clean_timing(self, cleaned):
        timing = cleaned.get("timing")
        if timing == Campaign.Timing.AT:
            send_at = cleaned.get("send_at")
            if not send_at:
                self.add_error("send_at", _("Enter the time to send at."))
            elif send_at <= timezone.now():
                self.add_error("send_at", _("The time to send at must be in the future."))
        elif timing == Campaign.Timing.RECURRING:
            if cleaned.get("repeat"):
                if not cleaned.get("repeat_time"):
                    self.add_error("repeat_time", _("Enter the time of day to send at."))
                    return
                cleaned["cron"] = picked_cron(
                    cleaned["repeat"], cleaned["repeat_time"], cleaned.get("repeat_weekday"), cleaned.get("repeat_day")
                )
                self.instance.cron = cleaned["cron"]
            cron = " ".join((cleaned.get("cron") or "").split())
            cleaned["cron"] = cron
            if not cron:
                self.add_error("cron", _("Enter when the message recurs, as a cron expression."))
            elif len(cron.split()) != 5 or not croniter.is_valid(cron):
                self.add_error(
                    "cron",
                    _("“%(cron)s” is not a valid cron expression (minute hour day month weekday).") % {"cron": cron},
                )
        elif timing == Campaign.Timing.HOLIDAY:
            days = cleaned.get("holiday_days_before")
            if days is None or not 1 <= days <= MAX_HOLIDAY_DAYS_BEFORE:
                self.add_error(
                    "holiday_days_before",
                    _("Enter a number of working days from 1 to %(max)d.") % {"max": MAX_HOLIDAY_DAYS_BEFORE},
                )
            if not cleaned.get("holiday_send_time"):
                self.add_error("holiday_send_time", _("Enter the time of day to send at."))


class PhoneLoginForm(forms.Form):
    """The website's phone login: the number on file, then the code texted to it (the same steps as in the app)."""

    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter your mobile number.")},
    )
    code = forms.CharField(
        label=_("Login code"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if self.data.get("action") == "verify" and not code:
            raise ValidationError(_("Enter the code from the text message."))
        return code
