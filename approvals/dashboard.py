"""The approval desks' work dashboard (core.dashboard): window staff see the applications waiting for acceptance and
the decided ones waiting for their result to be issued (办结), department handlers their steps, each by deadline with
the card supervision has given it."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from approvals import permissions
from approvals.models import Application, ApplicationStep, State, StepKind, StepState
from core.dashboard import LIMIT, WorkItem, WorkPanel, clock_levels


def with_acceptance_due(applications: QuerySet) -> QuerySet:
    """Annotate each application with its open acceptance step (``acceptance_step``) and that step's due time."""
    open_acceptance = ApplicationStep.objects.filter(
        application=OuterRef("pk"), kind=StepKind.ACCEPTANCE, state=StepState.ACTIVE
    ).order_by("pk")
    return applications.annotate(
        acceptance_due=Subquery(open_acceptance.values("due_at")[:1]),
        acceptance_step=Subquery(open_acceptance.values("pk")[:1]),
    )


def step_key(step_pk) -> str:
    return f"approvals.step:{step_pk}"


def to_accept(centre) -> list[WorkItem]:
    """The centre's applications awaiting acceptance, by acceptance deadline: two queries."""
    rows = list(
        with_acceptance_due(Application.objects.filter(service_centre=centre, state=State.SUBMITTED))
        .select_related("item")
        .order_by("acceptance_due", "submitted_at", "pk")[:LIMIT]
    )
    levels = clock_levels(step_key(app.acceptance_step) for app in rows if app.acceptance_step)
    items = []
    for app in rows:
        clock = levels.get(step_key(app.acceptance_step))
        items.append(
            WorkItem(
                title=f"{app.tracking_number} · {app.item.name}",
                url=reverse("approvals_admin:detail", args=[app.pk]),
                deadline=app.acceptance_due or (clock.due_at if clock else None),
                deadline_label=_("Accept by"),
                no_deadline=_("No acceptance step is open."),
                card=clock.level if clock else "",
                note=app.applicant_name,
            )
        )
    return items


def to_complete(centre) -> list[WorkItem]:
    """The centre's decided applications whose result is still to be issued (办结), soonest promise first: two
    queries. The case's clock runs until then."""
    rows = list(
        Application.objects.filter(service_centre=centre, state__in=(State.APPROVED, State.REFUSED))
        .select_related("item")
        .order_by("due_at", "pk")[:LIMIT]
    )
    levels = clock_levels([app.subject for app in rows])
    items = []
    for app in rows:
        clock = levels.get(app.subject)
        items.append(
            WorkItem(
                title=f"{app.tracking_number} · {app.item.name}",
                url=reverse("approvals_admin:detail", args=[app.pk]),
                deadline=app.due_at,
                deadline_label=_("Promised completion"),
                no_deadline=_("No promised completion."),
                card=clock.level if clock else "",
                note=f"{app.get_state_display()} · {app.applicant_name}",
            )
        )
    return items


def my_steps(user, department) -> list[WorkItem]:
    """The department's open steps assigned to this handler or to nobody yet, soonest due first: two queries."""
    rows = list(
        ApplicationStep.objects.filter(department=department, state=StepState.ACTIVE)
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .select_related("application__item")
        .order_by("due_at", "pk")[:LIMIT]
    )
    levels = clock_levels(step.clock_key for step in rows)
    items = []
    for step in rows:
        clock = levels.get(step.clock_key)
        paused = step.paused_at is not None
        note = (
            step.application.item.name
            if step.assignee_id
            else f"{step.application.item.name} · {pgettext('dashboard', 'unassigned')}"
        )
        items.append(
            WorkItem(
                title=f"{step.name} · {step.application.tracking_number}",
                url=reverse("approvals_admin:detail", args=[step.application_id]),
                deadline=None if paused else step.due_at,
                no_deadline=_("Paused: waiting for the applicant's supplementary materials."),
                card=clock.level if clock else "",
                note=note,
            )
        )
    return items


def panels_for(user) -> list[WorkPanel]:
    department = permissions.department_of(user)
    if department is None:
        return []
    queue = reverse("approvals_admin:queue")
    panels = []
    if permissions.has_role(user, "window_staff"):
        panels.append(
            WorkPanel(
                "approvals-to-accept",
                _("Applications to accept"),
                lambda: to_accept(department),
                more_url=f"{queue}?show=window",
                order=20,
            )
        )
        panels.append(
            WorkPanel(
                "approvals-to-complete",
                _("To complete: issue the result"),
                lambda: to_complete(department),
                more_url=f"{queue}?show=window",
                order=20,
                empty=_("Nothing decided is waiting to be issued."),
            )
        )
    if permissions.has_role(user, "department_handler"):
        panels.append(
            WorkPanel(
                "approvals-my-steps",
                _("My approval steps"),
                lambda: my_steps(user, department),
                more_url=f"{queue}?show=steps",
                order=21,
            )
        )
    return panels
