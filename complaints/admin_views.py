"""Staff pages in the Wagtail admin: the complaint queue, a complaint's file with its actions, identity reveals
(assigned investigators only, with a reason, logged), the reveal log for supervisors and statistics with a CSV export.

No page, list or export here shows a reporter's identity except the reveal page, and it only to an assigned
investigator right after they gave a reason.
"""

import csv
import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import services
from complaints.models import Attachment, Category, Complaint, Decision, RevealRecord, Status, UpdateKind
from complaints.workflow import allowed_actions
from directory.models import Department

logger = logging.getLogger(__name__)


def _require(test, user):
    if not test(user):
        raise PermissionDenied


def can_view_reveals(user):
    return user.is_authenticated and user.has_perm("complaints.view_revealrecord")


def can_view_statistics(user):
    return user.is_authenticated and user.has_perm("complaints.view_complaint_statistics")


def complaint_list(request):
    _require(services.can_view, request.user)
    rows = (
        Complaint.objects.select_related("concerned_department", "handling_department")
        .prefetch_related("investigators")
        .annotate(due_at=Min("stages__due_at", filter=Q(stages__ended_at__isnull=True)))
        .order_by("-received_at")
    )
    status = request.GET.get("status")
    if status in Status.values:
        rows = rows.filter(status=status)
    if request.GET.get("mine"):
        rows = rows.filter(investigators=request.user)
    return TemplateResponse(
        request,
        "complaints/admin/list.html",
        {"complaints": rows[:200], "statuses": Status.choices, "status": status, "now": timezone.now()},
    )


def _investigators():
    return (
        get_user_model()
        .objects.filter(Q(groups__permissions__codename="handle_complaint") | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("username")
    )


def complaint_detail(request, pk):
    _require(services.can_view, request.user)
    complaint = get_object_or_404(
        Complaint.objects.select_related("concerned_department", "handling_department"), pk=pk
    )
    if request.method == "POST":
        return _act(request, complaint)
    user = request.user
    context = {
        "complaint": complaint,
        "can_handle": services.can_handle(user),
        "is_assigned": services.is_assigned(complaint, user),
        "actions": allowed_actions(complaint.status) if services.can_handle(user) else [],
        "events": complaint.events.select_related("actor"),
        "stages": complaint.stages.all(),
        "thread": complaint.messages.select_related("author"),
        "notes": complaint.notes.select_related("author") if services.can_handle(user) else [],
        "attachments": complaint.attachments.all(),
        "related": complaint.related.all(),
        "updates": complaint.updates.all(),
        "reveals": complaint.reveals.select_related("user") if can_view_reveals(user) else None,
        # Reads by the reporter through 我的 (phone login): for supervisors, as reveals are.
        "owner_reads": complaint.owner_reads.all()[:50] if can_view_reveals(user) else None,
        "investigators": _investigators(),
        "assigned_ids": set(complaint.investigators.values_list("pk", flat=True)),
        "decisions": Decision.choices,
        "update_kinds": UpdateKind.choices,
        "departments": Department.objects.filter(is_active=True).only("pk", "name"),
        "has_reporter": not complaint.is_anonymous,
    }
    return TemplateResponse(request, "complaints/admin/detail.html", context)


def _act(request, complaint):
    """One POST endpoint for the file's forms: the `action` field names the service."""
    post, user = request.POST, request.user
    action = post.get("action", "")
    handlers = {
        "acknowledge": lambda: services.acknowledge(complaint, user),
        "accept": lambda: services.accept(
            complaint, user, Department.objects.filter(pk=post.get("handling_department") or 0).first()
        ),
        "not_accept": lambda: services.not_accept(complaint, user, post.get("reason")),
        "transfer": lambda: services.transfer(complaint, user, post.get("to_body")),
        "start_investigation": lambda: services.start_investigation(complaint, user),
        "conclude": lambda: services.conclude(complaint, user, post.get("decision"), post.get("outcome")),
        "close": lambda: services.close(complaint, user, post.get("reason")),
        "assign": lambda: services.assign(
            complaint, user, _investigators().filter(pk__in=post.getlist("investigators"))
        ),
        "note": lambda: services.add_note(complaint, user, post.get("body")),
        "message": lambda: services.investigator_message(complaint, user, post.get("body")),
        "update": lambda: services.publish_update(
            complaint, user, post.get("kind"), post.get("body"), post.get("public_title")
        ),
        "clarification": lambda: services.publish_clarification(
            complaint,
            user,
            post.get("official_name"),
            post.get("official_post"),
            post.get("body"),
            post.get("consent_note"),
        ),
    }
    if action == "reveal":
        return reveal(request, complaint)
    if action not in handlers:
        messages.error(request, _("Unknown action."))
        return redirect("complaints_admin:detail", complaint.pk)
    try:
        handlers[action]()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))
    return redirect("complaints_admin:detail", complaint.pk)


def reveal(request, complaint):
    try:
        identity = services.reveal_reporter(complaint, request.user, request.POST.get("reason"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("complaints_admin:detail", complaint.pk)
    response = TemplateResponse(request, "complaints/admin/reveal.html", {"complaint": complaint, "identity": identity})
    response["Cache-Control"] = "no-store"
    return response


def attachment(request, pk, attachment_pk):
    """An attachment for staff who may read the complaint; downloaded, never rendered inline."""
    _require(services.can_view, request.user)
    row = get_object_or_404(Attachment.objects.exclude(file=""), pk=attachment_pk, complaint_id=pk)
    # Streamed through this view from whichever storage holds it (docs/production.md#files): the object store is
    # never reachable from browsers, so this check and this line are the only way to the file.
    logger.info("complaint %s: attachment %s downloaded by %s", row.complaint.reference, row.pk, request.user)
    extension = row.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        row.file.open("rb"), as_attachment=True, filename=f"{row.complaint.reference}-{row.pk}.{extension}"
    )
    response["Content-Type"] = row.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def reveal_log(request):
    _require(can_view_reveals, request.user)
    rows = RevealRecord.objects.select_related("complaint", "user").order_by("-created_at")[:500]
    return TemplateResponse(request, "complaints/admin/reveals.html", {"reveals": rows})


def statistics(request):
    _require(can_view_statistics, request.user)
    rows = services.statistics()
    categories = dict(Category.choices)
    for row in rows:
        row["category_name"] = categories.get(row["category"], row["category"])
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="complaint-statistics.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 with a BOM
        writer = csv.writer(response)
        writer.writerow(
            [_("Department concerned"), _("Category"), _("Total"), _("Open"), _("Substantiated"), _("Unsubstantiated")]
        )
        for row in rows:
            writer.writerow(
                [
                    row["concerned_department__name"] or "-",
                    row["category_name"],
                    row["total"],
                    row["open"],
                    row["substantiated"],
                    row["unsubstantiated"],
                ]
            )
        return response
    return TemplateResponse(request, "complaints/admin/statistics.html", {"rows": rows})
