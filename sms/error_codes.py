"""Why SMS refuses a request: the codes particular to it (the shared ones are in core.error_codes).

The codes stored on a delivery (``Delivery.error_code``: a provider's code, "daily_cap", "cancelled") are records
of what happened to a message, not refusals, and are not listed here.
"""

from enum import StrEnum


class SmsErrorCode(StrEnum):
    # A campaign's content refused (services.validate_content, the campaign form).
    EMPTY = "empty"
    TOO_LONG = "too_long"
    # Templates (sms.templating): not approved or withdrawn by the provider; a value breaking a variable rule; a
    # text no approved template matches on a gateway that sends only templates; a gateway with no template list.
    TEMPLATE_NOT_APPROVED = "template_not_approved"
    TEMPLATE_PARAMETER = "template_parameter"
    NO_TEMPLATE = "no_template"
    NO_PROVIDER_TEMPLATES = "no_provider_templates"
    # "Send a test to me": the user's account has no cadre phone.
    NO_PHONE = "no_phone"
    # Another user moved the campaign meanwhile: reload it.
    STALE = "stale"
    # A number in the campaign form's "except cadres" belongs to no cadre.
    UNKNOWN_CADRE = "unknown_cadre"
    # Phone login codes (sms.codes); too many requests is CommonErrorCode.RATE_LIMITED.
    INVALID_PHONE = "invalid_phone"
    INVALID_CODE = "invalid_code"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
