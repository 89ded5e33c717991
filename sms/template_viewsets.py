"""SMS templates and signatures in the Wagtail admin: listed with their review status, edited for console and
Twilio, and synced from the provider (Aliyun) with one button."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from sms import templating
from sms.gateways import GatewayError
from sms.models import ReviewStatus, SmsSignature, SmsTemplate

SYNC_PERMISSION = "sms.change_smstemplate"


class TemplateForm(forms.ModelForm):
    variables_text = forms.CharField(
        label=_("variable rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "name=name:12\nphrase=text:35"}),
        help_text=_("One variable a line: name=type:maximum length. Types: code, name, number, date, text."),
    )

    class Meta:
        model = SmsTemplate
        fields = ["code", "name", "kind", "text", "review_status", "withdrawn"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules = [f"{v['name']}={v['type']}:{v['max_length']}" for v in templating.variables_of(self.instance)]
        self.fields["variables_text"].initial = "\n".join(rules) if self.instance.text else ""

    def clean_variables_text(self):
        variables = []
        for line in (self.cleaned_data.get("variables_text") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            name, _sep, rule = line.partition("=")
            kind, _sep, limit = rule.partition(":")
            if kind.strip() not in templating.VARIABLE_TYPES or (limit.strip() and not limit.strip().isdigit()):
                raise ValidationError(
                    gettext("“%(line)s” is not a variable rule (name=type:maximum length).") % {"line": line}
                )
            variables.append(
                {"name": name.strip(), "type": kind.strip(), "max_length": int(limit.strip() or 0) or None}
            )
        return variables

    def save(self, commit=True):
        self.instance.variables = [
            {k: v for k, v in item.items() if v is not None} for item in self.cleaned_data["variables_text"]
        ]
        return super().save(commit)


class TemplateIndexView(generic.IndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm(SYNC_PERMISSION):
            buttons.append(
                HeaderButton(
                    gettext("Sync from the SMS provider"),
                    url=reverse("sms_template_sync"),
                    icon_name="resubmit",
                    attrs={"data-sync-templates": ""},
                )
            )
        return buttons


class SmsTemplateViewSet(ModelViewSet):
    model = SmsTemplate
    name = "sms_template"
    url_prefix = "sms/template"
    icon = "doc-full"
    menu_label = _("Templates")
    menu_order = 130
    form_fields = ["code", "name", "kind", "text", "review_status", "withdrawn"]
    index_view_class = TemplateIndexView
    list_display = [
        TitleColumn("name", label=_("name")),
        Column("code", label=_("template code")),
        Column("kind", label=_("kind"), accessor="get_kind_display"),
        StatusTagColumn(
            "get_review_status_display",
            label=_("review status"),
            sort_key="review_status",
            primary=lambda t: t.review_status == ReviewStatus.APPROVED and not t.withdrawn,
        ),
        BooleanColumn("withdrawn", label=_("withdrawn by the provider")),
    ]
    list_filter = ["kind", "review_status", "withdrawn"]
    # The system messages' templates (sms.system_templates) and the provider's: about sixty, on one page.
    list_per_page = 100
    search_fields = ["name", "code", "text"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return TemplateForm

    @property
    def panels(self):
        return [
            FieldPanel("code"),
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("text"),
            FieldPanel("variables_text"),
            FieldPanel("review_status"),
            FieldPanel("withdrawn"),
        ]


class SmsSignatureViewSet(ModelViewSet):
    model = SmsSignature
    name = "sms_signature"
    url_prefix = "sms/signature"
    icon = "edit"
    menu_label = _("Signatures")
    menu_order = 140
    form_fields = ["name", "purpose", "review_status"]
    list_display = [
        TitleColumn("name", label=_("signature")),
        Column("purpose", label=_("used for"), accessor="get_purpose_display"),
        Column("review_status", label=_("review status"), accessor="get_review_status_display"),
    ]
    list_filter = ["purpose", "review_status"]


@require_http_methods(["GET", "POST"])
def sync(request):
    """Bring templates and signatures in line with the provider (on POST, after a confirmation page)."""
    if not request.user.has_perm(SYNC_PERMISSION):
        raise PermissionDenied
    if request.method == "GET":
        return TemplateResponse(
            request,
            "sms/admin/template_sync.html",
            {"last_synced": templating.last_synced(), "page_title": gettext("Sync from the SMS provider")},
        )
    try:
        result = templating.sync_from_provider()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except GatewayError as error:
        messages.error(request, gettext("The SMS provider could not be asked: %(error)s") % {"error": error})
    else:
        messages.success(
            request,
            gettext("Synced %(templates)d templates and %(signatures)d signatures; %(withdrawn)d withdrawn.")
            % {"templates": result.templates, "signatures": result.signatures, "withdrawn": result.withdrawn},
        )
    return redirect("sms_template:index")


def urls():
    return [path("sms/template-sync/", sync, name="sms_template_sync")]
