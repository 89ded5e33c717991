"""Webhooks the SMS provider calls: delivery status reports and inbound messages. Thin: services do the work."""

import json
import logging
import pkgutil

from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sms import gateways, provider_reports, replies
from sms.gateways import get_gateway
from sms.tracking import Outcome, apply_status_update

logger = logging.getLogger(__name__)

# Backend modules of sms/gateways/; the URL names one, so nothing else can be imported through it.
KNOWN_GATEWAYS = frozenset(m.name for m in pkgutil.iter_modules(gateways.__path__) if m.name != "base")

# An empty TwiML document: "received, nothing to do" (replies are sent through the API, and logged).
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _authenticated_gateway(request, name):
    if name not in KNOWN_GATEWAYS:
        raise Http404
    gateway = get_gateway(name)
    return gateway if gateway.verify_request(request) else None


def _ok():
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
def status(request, gateway):
    backend = _authenticated_gateway(request, gateway)
    if backend is None:
        logger.warning("SMS status webhook with a bad signature (%s)", gateway)
        return HttpResponseForbidden()
    update = backend.parse_status(request.POST)
    if update is None:
        # Answered 200 all the same: an error would only make the provider retry the same payload.
        logger.info("SMS status webhook: payload not understood (%s)", gateway)
        return _ok()
    if apply_status_update(update) == Outcome.UNKNOWN:
        logger.info("SMS status for unknown message %s (%s)", update.provider_id, gateway)
    return _ok()


@csrf_exempt
@require_POST
def inbound(request, gateway):
    backend = _authenticated_gateway(request, gateway)
    if backend is None:
        logger.warning("SMS inbound webhook with a bad signature (%s)", gateway)
        return HttpResponseForbidden()
    message = backend.parse_inbound(request.POST)
    if message is None:
        logger.info("SMS inbound webhook: payload not understood (%s)", gateway)
        return _ok()
    replies.receive(message, backend)
    return _ok()


# Alibaba Cloud's HTTP push: a JSON array per request, answered {"code": 0} when received (else it retries).
RECEIVED = {"code": 0, "msg": "成功"}
MAX_PUSH_BYTES = 2 * 1024 * 1024


def _aliyun_push(request, secret):
    """The backend and the pushed JSON, or a response refusing the request (wrong secret or source)."""
    backend = get_gateway("aliyun")
    expected = backend.callback_secret
    if not expected or not constant_time_compare(secret, expected):
        logger.warning("Aliyun SMS push with a wrong secret")
        raise Http404
    if not backend.verify_request(request):
        logger.warning("Aliyun SMS push from an address outside ALIYUN_SMS_CALLBACK_SOURCES")
        return backend, HttpResponseForbidden()
    if len(request.body) > MAX_PUSH_BYTES:
        logger.info("Aliyun SMS push too large; ignored")
        return backend, JsonResponse(RECEIVED)
    try:
        return backend, json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        logger.info("Aliyun SMS push that is not JSON; ignored")
        return backend, JsonResponse(RECEIVED)


def _aliyun_receive(request, secret, kind):
    backend, payload = _aliyun_push(request, secret)
    if isinstance(payload, HttpResponse):
        return payload
    counts = provider_reports.apply_items(kind, payload, backend)
    logger.info("Aliyun SMS %s push: %s", kind, counts)
    return JsonResponse(RECEIVED)


@csrf_exempt
@require_POST
def aliyun_report(request, secret):
    """SmsReport push: delivery reports."""
    return _aliyun_receive(request, secret, "report")


@csrf_exempt
@require_POST
def aliyun_up(request, secret):
    """SmsUp push: replies from phones, through the reply-handler registry."""
    return _aliyun_receive(request, secret, "reply")
