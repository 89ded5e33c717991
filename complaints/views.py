"""Public complaint pages: intake, following a complaint with its receipt, public case pages and SMS follow.

Thin: forms validate, services act. The app screen posts the same intake form (multipart, Accept: JSON) and gets
JSON back. No session is written for a reporter: the receipt travels with each request and is checked each time.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from complaints import receipts, services
from complaints.error_codes import ComplaintErrorCode
from complaints.forms import ComplaintForm, LookupForm, MessageForm, SubscribeForm
from complaints.models import Clarification, OwnerRead
from complaints.privacy import source_of
from core import challenge, citizens, idempotency
from core.error_codes import CommonErrorCode


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _errors_of(exc):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def index(request):
    cases = services.public_cases().order_by("-updated_at")[:10]
    return render(request, "complaints/index.html", {"cases": cases})


def _solution(request):
    """The proof of work posted with the form (core.challenge), redeemed only if a limit asks for it."""
    return challenge.Solution(
        services.CHALLENGE_PURPOSE, request.POST.get("challenge_token", ""), request.POST.get("challenge_counter", "")
    )


def _add_service_errors(form, exc):
    """A service's refusal on the form, codes kept: fields it names are marked, the rest goes above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _submit(request, form, files, solution, key):
    """The Submission, or None with the refusal on the form."""
    try:
        services.count_attempt(source_of(request), solution)
    except ValidationError as exc:
        form.is_valid()  # the reporter's text comes back with the refusal
        form.add_error(None, exc)
        return None
    if not form.is_valid():
        return None
    try:
        return services.submit_complaint(
            form.cleaned_data, files, source=source_of(request), idempotency_key=key, solution=solution
        )
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
def new(request):
    if request.method == "GET":
        return render(request, "complaints/new.html", {"form": ComplaintForm()})
    form = ComplaintForm(request.POST)
    files = request.FILES.getlist("attachments")
    solution = _solution(request)
    key = idempotency.key_from(request)
    # A resend (same key) gets the first receipt before any limit: it creates nothing and counts for nothing.
    submission = services.resent_submission(key)
    if submission is None:
        submission = _submit(request, form, files, solution, key)
    if submission is None:
        # A busy network is asked for a proof of work (a new one each time), not turned away.
        asked = form.has_error(NON_FIELD_ERRORS, ComplaintErrorCode.CHALLENGE_REQUIRED)
        puzzle = challenge.issue(services.CHALLENGE_PURPOSE) if asked else None
        if _wants_json(request):
            answer = {"ok": False, "errors": form.errors.get_json_data()}
            if puzzle:
                answer["challenge"] = {"token": puzzle.token, "bits": puzzle.bits}
            return JsonResponse(answer, status=400)
        # The reporter's text comes back in the form; files must be chosen again (browsers cannot refill them).
        context = {
            "form": form,
            "had_files": bool(files),
            "challenge": puzzle,
            "fields_marked": any(name != NON_FIELD_ERRORS for name in form.errors),
        }
        return render(request, "complaints/new.html", context, status=400)
    complaint = submission.complaint
    receipt = receipts.display(submission.receipt)
    promise = services.receipt_promise(complaint)
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "reference": complaint.reference,
                "receipt": receipt,
                "receivedAt": timezone.localtime(complaint.received_at).isoformat(),
                "promise": {
                    "acknowledgeDays": promise.acknowledge_days,
                    "acknowledgeBy": (
                        timezone.localtime(promise.acknowledge_by).isoformat() if promise.acknowledge_by else None
                    ),
                    "decideDays": promise.decide_days,
                    "provisional": promise.provisional,
                },
            }
        )
    context = {"complaint": complaint, "receipt": receipt, "promise": promise}
    return render(request, "complaints/submitted.html", context)


def _thread_context(complaint, reference, receipt):
    return {
        "complaint": complaint,
        "messages_list": complaint.messages.all(),
        "reference": reference,
        "receipt": receipt,
        "message_form": MessageForm(),
        "clarification": getattr(complaint, "clarification", None) if complaint.is_public else None,
    }


@require_http_methods(["GET", "POST"])
def follow(request):
    """Status and the anonymous thread, opened with reference and receipt (POST only: no receipt in URLs)."""
    if request.method == "GET":
        return render(request, "complaints/follow.html", {"form": LookupForm()})
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "complaints/follow.html", {"form": form}, status=400)
    reference, receipt = form.cleaned_data["reference"], form.cleaned_data["receipt"]
    try:
        complaint = services.find_by_receipt(reference, receipt, source=source_of(request))
    except services.ReceiptError as exc:
        form.add_error(None, exc.message)
        return render(
            request,
            "complaints/follow.html",
            {"form": form},
            status=429 if exc.code == CommonErrorCode.RATE_LIMITED else 403,
        )
    context = _thread_context(complaint, reference, receipt)
    if "body" in request.POST:
        _take_message(request, complaint, context)
    return render(request, "complaints/status.html", context)


@require_http_methods(["GET", "POST"])
def mine(request, reference):
    """A named reporter's complaint opened from 我的 (logged in with the phone they gave), without the receipt."""
    complaint = services.own_complaint(citizens.phone_of(request), reference, channel=OwnerRead.Channel.WEB)
    if complaint is None:
        # Not theirs, anonymous, or the session's phone lapsed: the same answer, and the way in again.
        return redirect(f"{reverse('phone_login')}?next={reverse('citizens:mine')}")
    context = _thread_context(complaint, complaint.reference, "")
    context["deadline"] = services.open_deadline(complaint)
    if request.method == "POST":
        _take_message(request, complaint, context)
    return render(request, "complaints/status.html", context)


def _take_message(request, complaint, context):
    """The reporter's message to the investigator, from the thread's form: sent, or the form back with why not."""
    message_form = MessageForm(request.POST)
    if message_form.is_valid():
        try:
            services.reporter_message(complaint, message_form.cleaned_data["body"])
            context["sent"] = True
            return
        except ValidationError as exc:
            message_form.add_error(None, exc.messages)
    context["message_form"] = message_form


def cases(request):
    listing = services.public_cases().order_by("-updated_at")[:50]
    return render(request, "complaints/cases.html", {"cases": listing})


@require_http_methods(["GET", "POST"])
def case(request, reference):
    complaint = get_object_or_404(services.public_cases(), reference=reference)
    form = SubscribeForm(request.POST or None)
    state = None
    if request.method == "POST" and form.is_valid():
        phone, code, stop = (form.cleaned_data[name] for name in ("phone", "code", "stop"))
        try:
            if code:
                services.confirm_subscription(complaint, phone, code, stop=stop)
                state = "stopped" if stop else "confirmed"
            else:
                services.request_subscription(complaint, phone, source=source_of(request), stop=stop)
                state = "code_sent"
        except ValidationError as exc:
            for field, messages in _errors_of(exc).items():
                form.add_error(None if field == "__all__" else field, messages)
    context = {
        "complaint": complaint,
        "updates": complaint.updates.all(),
        "clarification": Clarification.objects.filter(complaint=complaint).first(),
        "form": form,
        "state": state,
        "stop": request.POST.get("stop") == "1" or request.GET.get("stop") == "1",
        # The form (with its CSRF token) only when asked for: the plain case page is the same for every visitor
        # and is served from the cache (core/pagecache.py).
        "show_form": request.method == "POST" or "follow" in request.GET or "stop" in request.GET,
    }
    return render(request, "complaints/case.html", context, status=400 if form.errors else 200)
