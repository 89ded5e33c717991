"""SMS templates and signatures as data: rendering, the provider's variable rules, matching a text back to its
template (for gateways that send template + parameters), and syncing both from the provider.

Every backend sends the same rendered text: console and Twilio send it as is; Aliyun (sms.gateways.aliyun) sends
the template code and the parameters this module finds in the text, and the provider renders the same text again.
"""

import datetime
import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sms.error_codes import SmsErrorCode
from sms.models import ReviewStatus, SignaturePurpose, SmsSignature, SmsTemplate
from sms.models.templates import VARIABLE_RE


@dataclass(frozen=True)
class VariableType:
    label: object
    max_length: int
    pattern: str | None = None  # the whole value must match
    rule: object = ""  # what the pattern demands, said to the operator


# The provider's variable rules (Alibaba Cloud, 2025): a verification code is 4–6 digits or letters, other
# variables at most 35 characters, names at most 12; no links in variables.
VARIABLE_TYPES = {
    "code": VariableType(
        pgettext_lazy("sms variable", "Verification code"),
        6,
        r"[0-9A-Za-z]{4,6}",
        gettext_lazy("4 to 6 digits or letters"),
    ),
    "name": VariableType(pgettext_lazy("sms variable", "Name"), 12),
    "number": VariableType(
        pgettext_lazy("sms variable", "Number"), 20, r"[0-9]+(\.[0-9]+)?", gettext_lazy("digits only")
    ),
    "date": VariableType(
        pgettext_lazy("sms variable", "Date or time"), 20, r"[0-9年月日时分:：/\- ]+", gettext_lazy("a date or time")
    ),
    "text": VariableType(pgettext_lazy("sms variable", "Text"), 35),
}
LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)
# Filled from each cadre at sending, not by the operator.
PER_RECIPIENT = {"name": "name", "post": "post", "unit": "department"}


def variables_of(template: SmsTemplate) -> list[dict]:
    """The template's variables in text order, each {name, type, max_length}, with the defaults of its type."""
    declared = {v.get("name"): v for v in template.variables or [] if isinstance(v, dict)}
    result = []
    for name in template.variable_names():
        spec = declared.get(name, {})
        kind = spec.get("type") if spec.get("type") in VARIABLE_TYPES else _guess_type(name, template)
        limit = spec.get("max_length") or VARIABLE_TYPES[kind].max_length
        result.append({"name": name, "type": kind, "max_length": min(int(limit), VARIABLE_TYPES[kind].max_length)})
    return result


def _guess_type(name, template):
    if template.kind == SmsTemplate.Kind.VERIFICATION and name.lower() in ("code", "yzm", "captcha"):
        return "code"
    if name.lower() in ("name", "xm"):
        return "name"
    return "text"


def check_usable(template: SmsTemplate) -> None:
    """Raise ValidationError unless the provider approved the template and still lists it."""
    if template.withdrawn:
        raise ValidationError(
            _("The template “%(name)s” was withdrawn by the SMS provider; choose another one.")
            % {"name": template.name},
            code=SmsErrorCode.TEMPLATE_NOT_APPROVED,
        )
    if template.review_status != ReviewStatus.APPROVED:
        raise ValidationError(
            _("The template “%(name)s” is not approved by the SMS provider (%(status)s).")
            % {"name": template.name, "status": template.get_review_status_display()},
            code=SmsErrorCode.TEMPLATE_NOT_APPROVED,
        )


def validate_params(template: SmsTemplate, params: dict, *, per_recipient: bool = True) -> None:
    """Raise ValidationError naming the variable and the rule its value breaks (missing, unknown, type, length)."""
    params = params or {}
    names = template.variable_names()
    for unknown in sorted(set(params) - set(names)):
        raise ValidationError(
            _("The template has no variable “%(name)s”.") % {"name": unknown}, code=SmsErrorCode.TEMPLATE_PARAMETER
        )
    for variable in variables_of(template):
        name, kind = variable["name"], VARIABLE_TYPES[variable["type"]]
        if name not in params and per_recipient and name in PER_RECIPIENT:
            continue  # filled from each cadre at sending
        value = params.get(name)
        if not isinstance(value, str | int | float) or not str(value).strip():
            raise ValidationError(
                _("Fill in the variable “%(name)s”.") % {"name": name}, code=SmsErrorCode.TEMPLATE_PARAMETER
            )
        value = str(value)
        if len(value) > variable["max_length"]:
            raise ValidationError(
                _("The variable “%(name)s” may have at most %(max)d characters (%(kind)s); it has %(n)d.")
                % {"name": name, "max": variable["max_length"], "kind": kind.label, "n": len(value)},
                code=SmsErrorCode.TEMPLATE_PARAMETER,
            )
        if kind.pattern and not re.fullmatch(kind.pattern, value):
            raise ValidationError(
                _("The variable “%(name)s” must be %(rule)s.") % {"name": name, "rule": kind.rule},
                code=SmsErrorCode.TEMPLATE_PARAMETER,
            )
        if LINK_RE.search(value):
            raise ValidationError(
                _("The variable “%(name)s” may not contain a link; the provider refuses links in variables.")
                % {"name": name},
                code=SmsErrorCode.TEMPLATE_PARAMETER,
            )


def render(template: SmsTemplate, params: dict, recipient: dict | None = None) -> str:
    """The template's text with its variables filled (per-recipient ones from `recipient` when given)."""
    values = {**{k: str(v) for k, v in (params or {}).items()}, **(recipient or {})}
    return VARIABLE_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template.text)


def recipient_values(cadre) -> dict:
    """The per-recipient variables of one cadre: name, post, unit."""
    department = getattr(cadre, "department", None)
    return {
        "name": (cadre.name or "")[:12],
        "post": (cadre.post or "")[:35],
        "unit": (department.name if department else "")[:35],
    }


# --- signatures ------------------------------------------------------------------------------------------------


def signature_for(purpose: str = SignaturePurpose.CADRE_WARNING) -> str:
    """The 【signature】 for a purpose: the approved one registered for it, else the setting for its readers
    (SMS_CITIZEN_SIGNATURE for notices to citizens, SMS_SIGNATURE for cadres)."""
    names = _cached("signatures", _load_signatures)
    name = names.get(purpose)
    if name:
        return f"【{name}】"
    if purpose == SignaturePurpose.CITIZEN_NOTICE:
        return settings.SMS_CITIZEN_SIGNATURE
    return settings.SMS_SIGNATURE


def _load_signatures():
    found = {}
    for purpose, name in SmsSignature.objects.filter(review_status=ReviewStatus.APPROVED).values_list(
        "purpose", "name"
    ):
        found.setdefault(purpose, name)
    return found


# --- matching a text back to its template ------------------------------------------------------------------------


def match_text(text: str, patterns: list | None = None) -> tuple[str, dict] | None:
    """(provider template code, parameters) of the usable template that renders to `text`, if any.

    The template with the most fixed text wins, so a specific template is preferred to a catch-all ``${content}``.
    `patterns` (from ``load_patterns``) lets a thread that must not touch the database match without it.
    """
    for code, pattern, _literal in patterns if patterns is not None else load_patterns():
        match = pattern.fullmatch(text)
        if match:
            return code, match.groupdict()
    return None


def load_patterns() -> list:
    """The usable provider templates, compiled for match_text (cached for a minute)."""
    return _cached("patterns", _load_patterns)


def provider_code(template: SmsTemplate) -> str:
    """The code the provider knows a template by: for a system message's (sms.system_templates), the setting for
    its purpose (SMS_TEMPLATE_CODES), else the row's own code."""
    codes = getattr(settings, "SMS_TEMPLATE_CODES", {}) or {}
    return (template.purpose and codes.get(template.purpose)) or template.code


def _load_patterns():
    patterns = []
    from django.db.models import Q

    # The provider's own templates, and the system messages' (sms.system_templates) under the provider's code for
    # their purpose: one written here for console or Twilio has no code the provider knows.
    usable = SmsTemplate.objects.filter(
        Q(from_provider=True) | ~Q(purpose=""), review_status=ReviewStatus.APPROVED, withdrawn=False
    )
    for template in usable.only("code", "text", "purpose"):
        code, text = provider_code(template), template.text
        seen, parts, pos = set(), [], 0
        for m in VARIABLE_RE.finditer(text):
            parts.append(re.escape(text[pos : m.start()]))
            name = m.group(1)
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
            pos = m.end()
        parts.append(re.escape(text[pos:]))
        literal = len(VARIABLE_RE.sub("", text))
        patterns.append((code, re.compile("".join(parts), re.DOTALL), literal))
    patterns.sort(key=lambda p: -p[2])
    return patterns


_cache = {}
_cache_lock = threading.Lock()
CACHE_SECONDS = 60


def _cached(key, load):
    with _cache_lock:
        hit = _cache.get(key)
        if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
    value = load()
    with _cache_lock:
        _cache[key] = (time.monotonic(), value)
    return value


def forget(**_kwargs):
    """Drop the cached templates and signatures (after any change to them)."""
    with _cache_lock:
        _cache.clear()


for _model in (SmsTemplate, SmsSignature):
    post_save.connect(forget, sender=_model, dispatch_uid=f"sms-templating-{_model.__name__}-save")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"sms-templating-{_model.__name__}-delete")


# --- sync from the provider --------------------------------------------------------------------------------------

AUDIT_STATUS = {
    "AUDIT_STATE_INIT": ReviewStatus.PENDING,
    "AUDIT_STATE_PASS": ReviewStatus.APPROVED,
    "AUDIT_STATE_NOT_PASS": ReviewStatus.REJECTED,
    "AUDIT_STATE_CANCEL": ReviewStatus.REJECTED,
}
TEMPLATE_KIND = {0: SmsTemplate.Kind.VERIFICATION, 1: SmsTemplate.Kind.NOTICE, 2: SmsTemplate.Kind.PROMOTION}


@dataclass(frozen=True)
class SyncResult:
    templates: int
    signatures: int
    withdrawn: int


def sync_from_provider(gateway=None) -> SyncResult:
    """Bring templates and signatures in line with the provider (QuerySmsTemplateList, QuerySmsSignList).

    Provider templates it no longer lists are marked withdrawn (never deleted: campaigns refer to them); the
    variable types an operator set are kept for variables still in the text. Raises GatewayError when the
    provider cannot be asked, and ValidationError when the gateway has no such lists (console, Twilio).
    """
    from sms.gateways import get_gateway

    gateway = gateway or get_gateway()
    if not hasattr(gateway, "list_templates"):
        raise ValidationError(
            _("This SMS gateway keeps no templates; write them here instead."), code=SmsErrorCode.NO_PROVIDER_TEMPLATES
        )
    templates, signatures = gateway.list_templates(), gateway.list_signatures()
    now = timezone.now()
    with transaction.atomic():
        codes = set()
        for row in templates:
            code = str(row.get("TemplateCode") or "")[:40]
            if not code:
                continue
            codes.add(code)
            kind_number = _int(row.get("OuterTemplateType", row.get("TemplateType")))
            kind = TEMPLATE_KIND.get(kind_number, SmsTemplate.Kind.NOTICE)
            template, _created = SmsTemplate.objects.get_or_create(
                code=code, defaults={"name": code, "text": "", "from_provider": True}
            )
            template.name = str(row.get("TemplateName") or code)[:100]
            template.text = str(row.get("TemplateContent") or "")
            template.kind = kind
            template.review_status = AUDIT_STATUS.get(row.get("AuditStatus"), ReviewStatus.PENDING)
            template.review_note = _reason(row)
            template.withdrawn = row.get("AuditStatus") == "AUDIT_STATE_CANCEL"
            template.from_provider, template.synced_at = True, now
            names = set(template.variable_names())
            template.variables = [v for v in template.variables or [] if v.get("name") in names]
            template.save()
        gone = SmsTemplate.objects.filter(from_provider=True, withdrawn=False).exclude(code__in=codes)
        withdrawn = gone.update(withdrawn=True)
        withdrawn += _sync_system_templates()
        for row in signatures:
            name = str(row.get("SignName") or "")[:20]
            if not name:
                continue
            SmsSignature.objects.update_or_create(
                name=name,
                defaults={
                    "review_status": AUDIT_STATUS.get(row.get("AuditStatus"), ReviewStatus.PENDING),
                    "review_note": _reason(row),
                    "from_provider": True,
                    "synced_at": now,
                },
            )
    forget()
    return SyncResult(templates=len(codes), signatures=len(signatures), withdrawn=withdrawn)


def _sync_system_templates() -> int:
    """Give each system message's template (sms.system_templates) the provider's verdict on the code configured for
    it (SMS_TEMPLATE_CODES): un-approved or withdrawn there, it is here too, and its messages are refused with the
    reason instead of being sent to a refusal. Returns how many became withdrawn."""
    codes = getattr(settings, "SMS_TEMPLATE_CODES", {}) or {}
    provider = {t.code: t for t in SmsTemplate.objects.filter(from_provider=True, code__in=list(codes.values()))}
    withdrawn = 0
    for template in SmsTemplate.objects.exclude(purpose="").filter(purpose__in=list(codes)):
        source = provider.get(codes[template.purpose])
        status = source.review_status if source else template.review_status
        gone = source is None or source.withdrawn
        withdrawn += gone and not template.withdrawn
        template.review_status, template.withdrawn = status, gone
        template.review_note = source.review_note if source else ""
        template.save(update_fields=["review_status", "withdrawn", "review_note"])
    return withdrawn


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _reason(row):
    reason = row.get("Reason")
    if isinstance(reason, dict):
        return str(reason.get("RejectInfo") or "")[:200]
    return ""


def last_synced() -> datetime.datetime | None:
    synced = SmsTemplate.objects.filter(from_provider=True).order_by("-synced_at")
    return synced.values_list("synced_at", flat=True).first()


SIGNATURE_RE = re.compile(r"^【[^】]{1,20}】")


def has_signature(text: str) -> bool:
    return bool(SIGNATURE_RE.match(text))


def check_matches(text: str) -> None:
    """Raise ValidationError unless an approved template (or the configured fallback) can carry this signed text."""
    body = SIGNATURE_RE.sub("", text, count=1)
    if settings.ALIYUN_SMS_FALLBACK_TEMPLATE or match_text(body) is not None:
        return
    raise ValidationError(
        _("No template approved by the SMS provider gives this text: choose a template for the message."),
        code=SmsErrorCode.NO_TEMPLATE,
    )


# What a preview shows for the per-recipient variables: typical lengths, so the segment count is realistic.
SAMPLE_RECIPIENT = {"name": "王小明", "post": "科员", "unit": "清河市市场监督管理局"}
RECIPIENT_RE = re.compile(r"\$\{(" + "|".join(PER_RECIPIENT) + r")\}")


def fill_recipient(text: str, recipient: dict) -> str:
    """The per-recipient variables of a rendered text filled with one cadre's values."""
    return RECIPIENT_RE.sub(lambda m: recipient.get(m.group(1), ""), text)


def recipients_of(body: str, cadre_ids: list[int]) -> dict[int, dict]:
    """Per-recipient values of these cadres, in one query, when the text has such variables (else empty)."""
    if not RECIPIENT_RE.search(body or ""):
        return {}
    from directory.models import Cadre

    return {
        cadre.pk: recipient_values(cadre)
        for cadre in Cadre.objects.filter(pk__in=cadre_ids).select_related("department")
    }
