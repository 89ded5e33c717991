"""好差评 in the admin: the ratings a department received (its queue of them, bad ones first to act on) and the
dashboard row of recent bad ratings. Who sees what follows ``approvals.permissions``: a handler or window staff
their own department's (a service centre's are its acceptance steps'), supervisors and superusers every one."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from approvals import permissions, services
from approvals.models import Rating, RatingRevisit, RatingVerdict
from core.dashboard import WorkItem, WorkPanel

PER_PAGE = 50
RECENT_DAYS = 30


def visible_ratings(user) -> QuerySet:
    """The ratings this user may read, newest first, with what a row shows (no query per row)."""
    rows = Rating.objects.select_related("application__item", "step", "department").order_by("-created_at", "-pk")
    if permissions.sees_everything(user):
        return rows
    department = permissions.department_of(user)
    if department is None or not permissions.is_staff_user(user):
        return rows.none()
    return rows.filter(department=department)


def ratings(request):
    if not permissions.is_staff_user(request.user):
        return TemplateResponse(request, "approvals/admin/forbidden.html", status=403)
    rows = visible_ratings(request.user)
    only_bad = request.GET.get("bad") == "1"
    if only_bad:
        rows = rows.filter(is_bad=True)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "approvals/admin/ratings.html",
        {"page": page, "only_bad": only_bad, "department": permissions.department_of(request.user)},
    )


class AnswerForm(forms.Form):
    """Only the shape of the input: ``services.answer_rating`` says what is missing, the same for every caller."""

    verdict = forms.ChoiceField(
        label=gettext_lazy("Finding of the check"),
        choices=RatingVerdict.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    rectification = forms.CharField(
        label=gettext_lazy("What was checked and put right"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Shown to the applicant in the case's history."),
    )
    revisit = forms.ChoiceField(
        label=gettext_lazy("The applicant, called back"),
        choices=RatingRevisit.choices,
        widget=forms.RadioSelect,
        required=False,
    )


def answer(request, pk):
    """差评整改回访: the rated department answers one bad rating (finding, what it put right, the call back)."""
    rating = get_object_or_404(visible_ratings(request.user).filter(is_bad=True), pk=pk)
    allowed = services.can_answer(request.user, rating)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            services.answer_rating(rating, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The answer is recorded and shown to the applicant."))
            return redirect(f"{reverse('approvals_admin:ratings')}?bad=1")
    return TemplateResponse(
        request, "approvals/admin/rating_answer.html", {"rating": rating, "form": form, "allowed": allowed}
    )


def recent_bad(user) -> list[WorkItem]:
    """The department's bad ratings still to answer, however old, the most urgent first; then those of the last 30
    days already answered, newest first: one query."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    unanswered = Q(answered_at__isnull=True)
    rows = (
        visible_ratings(user)
        .filter(Q(is_bad=True) & (unanswered | Q(created_at__gte=since)))
        .order_by(
            Case(When(unanswered, then=Value(0)), default=Value(1), output_field=IntegerField()),
            Case(When(unanswered, then=F("answer_due_at"))).asc(),
            "-created_at",
            "-pk",
        )[:8]
    )
    return [
        WorkItem(
            title=f"{r.stars_text} · {r.application.tracking_number}",
            url=reverse("approvals_admin:rating_answer", args=[r.pk]),
            deadline=r.answer_due_at if r.answered_at is None else None,
            deadline_label=_("Answer due"),
            no_deadline=pgettext("rating", "Answered") if r.answered_at else _("Bad rating: check and put it right."),
            card="red" if r.misconduct else "",
            note=" · ".join(filter(None, [r.step.name if r.step else _("The whole case"), *r.reason_labels()[:3]])),
        )
        for r in rows
    ]


def panels_for(user) -> list[WorkPanel]:
    if not permissions.is_staff_user(user):
        return []
    return [
        WorkPanel(
            "approvals-bad-ratings",
            _("Bad ratings to answer and of the last 30 days"),
            lambda: recent_bad(user),
            more_url=f"{reverse('approvals_admin:ratings')}?bad=1",
            order=22,
            empty=_("No bad rating."),
        )
    ]
