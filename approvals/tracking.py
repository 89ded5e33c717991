"""What an applicant sees of their case: status, current step, handling department, officer's staff number, due
dates and the history. Shared by the tracking page, GraphQL and the app, so all three show the same."""

from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy

from approvals import rating_reasons
from approvals.models import Application, ApplicationEvent, Rating, RatingVerdict, StepState
from approvals.services.timing import promised_deadline
from core import citizens
from core.events import label_for

EVENT_LABELS = {
    "application.submitted": gettext_lazy("Application submitted"),
    "application.accepted": gettext_lazy("Accepted"),
    "application.not_accepted": gettext_lazy("Not accepted"),
    "application.supplement_requested": gettext_lazy("Supplementary materials requested"),
    "application.supplemented": gettext_lazy("Supplementary materials received"),
    "step.started": gettext_lazy("Step started"),
    "step.approved": gettext_lazy("Step approved"),
    "step.refused": gettext_lazy("Step refused"),
    "application.approved": gettext_lazy("Approved"),
    "application.refused": gettext_lazy("Refused"),
    "application.completed": gettext_lazy("Completed"),
    "application.rated": gettext_lazy("Service rated"),
    "step.rated": gettext_lazy("Step rated"),
    "rating.answered": gettext_lazy("Bad rating checked, put right and followed up"),
    "application.withdrawn": gettext_lazy("Withdrawn"),
    "application.deadline_recomputed": gettext_lazy("Deadline recomputed with the official holiday schedule"),
}


def staff_number(user: AbstractBaseUser | None) -> str:
    """The officer's staff number (工号) shown to applicants: never their name or phone."""
    cadre = getattr(user, "cadre", None) if user is not None else None
    return f"{cadre.department.code}-{cadre.pk:05d}" if cadre is not None else ""


@dataclass
class CurrentStep:
    name: str
    department: str
    officer: str
    due_at: object
    paused: bool


@dataclass
class HistoryEntry:
    occurred_at: object
    label: str
    step: str
    department: str
    officer: str
    note: str


@dataclass
class FinishedStep:
    """A finished step the applicant may rate (好差评), with its rating once given."""

    id: int
    name: str
    department: str
    decided_at: object
    stars: int | None = None
    reasons: list = field(default_factory=list)
    answer_due_at: object = None  # a bad rating not answered yet: when the department's answer is due
    answered: bool = False  # a bad rating the department has answered (the answer is in the history)

    @property
    def can_rate(self):
        return self.stars is None

    @property
    def stars_text(self):
        return rating_reasons.stars_text(self.stars)


@dataclass
class Tracking:
    application: Application
    status: str
    state: str
    item_name: str
    tracking_number: str
    submitted_at: object
    due_at: object
    paused: bool
    current_steps: list = field(default_factory=list)
    history: list = field(default_factory=list)
    supplement_materials: list = field(default_factory=list)
    decision_reason: str = ""
    can_rate: bool = False
    can_withdraw: bool = False
    can_supplement: bool = False
    finished_steps: list = field(default_factory=list)
    case_stars: int | None = None
    case_answer_due_at: object = None
    case_answered: bool = False

    @property
    def case_stars_text(self):
        return rating_reasons.stars_text(self.case_stars)


def tracking_for(application: Application | int) -> Tracking:
    """Everything the applicant may see, in a fixed number of queries (an Application or its pk)."""
    app = application
    if not isinstance(app, Application):
        app = Application.objects.select_related("item", "item__department", "service_centre").get(pk=application)
    steps = list(app.steps.filter(state=StepState.ACTIVE).select_related("department", "assignee__cadre__department"))
    events = list(
        ApplicationEvent.objects.filter(application=app)
        .select_related("step", "department", "actor__cadre__department")
        .order_by("occurred_at", "pk")
    )
    ratings = {
        r.step_id: r
        for r in Rating.objects.filter(application=app).only(
            "step_id", "stars", "reasons", "answer_due_at", "answered_at"
        )
    }
    finished = [
        FinishedStep(
            s.pk,
            s.name,
            s.department.name,
            s.decided_at,
            ratings[s.pk].stars if s.pk in ratings else None,
            ratings[s.pk].reason_labels() if s.pk in ratings else [],
            *_answer(ratings.get(s.pk)),
        )
        for s in app.steps.filter(state__in=(StepState.APPROVED, StepState.REFUSED))
        .select_related("department")
        .order_by("order", "department__name", "pk")
    ]
    case_answer_due_at, case_answered = _answer(ratings.get(None))
    notice = app.supplement_notices.order_by("-number").first() if app.state == "supplementing" else None
    history = []
    for event in events:
        note = ""
        if event.kind in ("application.not_accepted",):
            note = event.payload.get("reason", "")
        elif event.kind == "application.supplement_requested":
            note = "、".join(event.payload.get("materials", []))
        elif event.kind in ("step.refused", "application.refused"):
            note = event.step.opinion if event.step else app.decision_reason
        elif event.kind == "rating.answered":
            verdict = event.payload.get("verdict")
            found = str(RatingVerdict(verdict).label) if verdict in RatingVerdict.values else ""
            note = "：".join(filter(None, [found, event.payload.get("rectification", "")]))
        history.append(
            HistoryEntry(
                occurred_at=event.occurred_at,
                label=label_for(event.kind),
                step=event.step.name if event.step else "",
                department=event.department.name if event.department else "",
                officer=staff_number(event.actor),
                note=note,
            )
        )
    return Tracking(
        application=app,
        status=app.get_state_display(),
        state=app.state,
        item_name=app.item.name,
        tracking_number=app.tracking_number,
        submitted_at=app.submitted_at,
        due_at=promised_deadline(app),
        paused=app.is_paused,
        current_steps=[
            CurrentStep(
                s.name,
                s.department.name,
                staff_number(s.assignee),
                promised_deadline(app, s.due_at),
                s.paused_at is not None,
            )
            for s in steps
        ],
        history=history,
        supplement_materials=notice.materials if notice else [],
        decision_reason=app.decision_reason if app.state in ("not_accepted", "refused", "completed") else "",
        can_rate=app.state == "completed" and app.rating is None and None not in ratings,
        finished_steps=finished,
        case_stars=ratings[None].stars if None in ratings else app.rating,
        case_answer_due_at=case_answer_due_at,
        case_answered=case_answered,
        can_withdraw=app.state in ("submitted", "supplementing", "in_review"),
        can_supplement=app.state == "supplementing",
    )


def _answer(rating):
    """(when the department's answer to a bad rating is due, or None; whether it has answered)."""
    if rating is None or rating.answer_due_at is None:
        return None, False
    answered = rating.answered_at is not None
    return (None if answered else rating.answer_due_at), answered


# The applications this session may follow: the web tracking page, GraphQL and the app grant the same way.
SESSION_KEY = "approvals_tracking"


def grant_tracking(request, pk: int) -> None:
    """Let this session open the application's tracking page (the ten latest granted are kept)."""
    granted = [p for p in request.session.get(SESSION_KEY, []) if p != pk][-9:]
    request.session[SESSION_KEY] = [*granted, pk]


def is_granted(request, pk: int) -> bool:
    """Whether this session may follow the application: opened with its code, or made with the phone this session
    proved with an SMS code (我的, core.citizens)."""
    if pk in request.session.get(SESSION_KEY, []):
        return True
    phone = citizens.phone_of(request)
    return bool(phone) and Application.objects.filter(pk=pk, applicant_phone=phone).exists()
