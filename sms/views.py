"""Public pages of the SMS app: the short links in campaign messages, and the website's phone-code login."""

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from sms import codes
from sms.forms import PhoneLoginForm
from sms.tracking import link_target, record_click


def short_link(request, code):
    """Count a click on a campaign link and send the reader on to the linked page (no IP or user agent stored)."""
    run_id = record_click(code)
    if run_id is None:
        return TemplateResponse(request, "sms/short_link_missing.html", status=404)
    return HttpResponseRedirect(link_target(run_id, request) or "/")


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    hosts = {request.get_host()}
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure())
    return target if safe else "/"


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def phone_login(request):
    """Log in with a mobile number and a texted code: step 1 sends it, step 2 checks it. A cadre gets their account;
    a citizen gets 我的办件 (core.citizens), where they land unless the link that sent them here says otherwise."""
    posted = request.method == "POST"
    form = PhoneLoginForm(request.POST if posted else None)
    sent = False
    if posted and form.is_valid():
        phone = form.cleaned_data["phone"]
        if request.POST.get("action") == "verify":
            try:
                user = codes.log_in_with_code(request, phone, form.cleaned_data["code"])
            except codes.CodeError as exc:
                form.add_error("code", exc.message)
                sent = True
            else:
                target = _next_url(request)
                return HttpResponseRedirect(reverse("citizens:mine") if user is None and target == "/" else target)
        else:
            try:
                codes.request_code(phone, request.META.get("REMOTE_ADDR", ""))
            except codes.CodeError as exc:
                form.add_error("phone", exc.message)
            else:
                sent = True
    elif posted:
        sent = request.POST.get("action") == "verify"
    return TemplateResponse(
        request,
        "accounts/phone_login.html",
        {"form": form, "sent": sent, "next": _next_url(request), "minutes": codes.CODE_TTL.seconds // 60},
    )
