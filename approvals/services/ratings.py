"""好差评: the applicant rates each finished step (its department's part) and, once completed, the whole case.

1 to 5 stars with the reasons of ``approvals.rating_reasons`` and a free comment; one rating per step and one per
case (the database's unique constraints have the last word on a race). Each rating is an event (``step.rated`` or
``application.rated``) published to supervision with its facts: ``rating``, ``reasons`` (codes), ``misconduct``
(the words of the reasons that allege misconduct), so that a bad rating alleging misconduct becomes a finding
(supervision's rule R10) without supervision knowing approvals. A bad rating starts a supervised clock for its
answer (``approvals.rating:<pk>``, due in ANSWER_WORKING_DAYS): warnings and yellow and red cards as for a step,
stopped by the answer. Only the applicant rates: the views and the API
call these for a session that proved the query code (``approvals.tracking.is_granted``).
"""

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from approvals import permissions, rating_reasons
from approvals.error_codes import ApprovalErrorCode
from approvals.models import Application, ApplicationStep, Rating, RatingRevisit, RatingVerdict, State, StepState
from approvals.services import timing
from approvals.services.recording import _rating_clock, _record
from approvals.services.transitions import _lock, _save
from core import idempotency
from core.error_codes import CommonErrorCode
from core.events import ClockAction

FINISHED_STEP_STATES = (StepState.APPROVED, StepState.REFUSED)
# 差评整改: every bad rating is checked, put right where it was founded and the applicant called back within this.
ANSWER_WORKING_DAYS = 15


def rateable_steps(application: Application) -> list[ApplicationStep]:
    """The application's finished steps (decided, not cancelled), in procedure order, with their department."""
    return list(
        application.steps.filter(state__in=FINISHED_STEP_STATES)
        .select_related("department")
        .order_by("order", "department__name", "pk")
    )


def clean_rating(stars: int | str | None, reasons: Iterable[str] | None, comment: str | None) -> tuple:
    """(stars, reasons, comment) checked: 1-5 stars, reasons from the list that goes with them, a reason for a 差评."""
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")}, code=ApprovalErrorCode.INVALID_RATING)
    chosen = list(dict.fromkeys(str(r) for r in (reasons or ()) if str(r).strip()))
    allowed = rating_reasons.allowed_for(stars)
    if any(code not in allowed for code in chosen):
        message = (
            _("With a bad rating, choose among the reasons for dissatisfaction.")
            if rating_reasons.is_bad(stars)
            else _("With a good rating, choose among the reasons for satisfaction.")
        )
        raise ValidationError({"reasons": message}, code=ApprovalErrorCode.INVALID_RATING)
    if rating_reasons.is_bad(stars) and not chosen:
        raise ValidationError(
            {"reasons": _("Tell us what went wrong: choose at least one reason.")},
            code=ApprovalErrorCode.INVALID_RATING,
        )
    return stars, chosen, (comment or "").strip()[:1000]


def rate(
    application: Application,
    *,
    step: ApplicationStep | None = None,
    rating: int | str | None,
    reasons: Iterable[str] | None = (),
    comment: str = "",
    idempotency_key: str = "",
) -> Rating:
    """Rate one finished step (``step``) or, without one, the completed case. A resend with the same
    ``idempotency_key`` returns the first rating; another rating of the same step is refused (already rated)."""
    if idempotency_key:
        return idempotency.once(
            f"approvals.rate:{application.pk}:{step.pk if step is not None else 'case'}",
            idempotency_key,
            lambda: rate(application, step=step, rating=rating, reasons=reasons, comment=comment),
            model=Rating,
        )
    stars, chosen, comment = clean_rating(rating, reasons, comment)
    try:
        with transaction.atomic():
            return (
                _rate_step(application, step, stars, chosen, comment)
                if step
                else _rate_case(application, stars, chosen, comment)
            )
    except IntegrityError as exc:  # a concurrent twin rated first
        raise _already_rated(step) from exc


def _already_rated(step):
    message = _("This step has already been rated.") if step else _("This application has already been rated.")
    return ValidationError(message, code=ApprovalErrorCode.ALREADY_RATED)


def _facts(stars, chosen, comment, rating):
    return {
        "rating": stars,
        "reasons": chosen,
        "misconduct": rating_reasons.labels(c for c in chosen if c in rating_reasons.MISCONDUCT),
        "comment": comment,
        "rating_id": rating.pk,
    }


def _new_rating(app, step, department, stars, chosen, comment):
    now = timing.now()
    bad = rating_reasons.is_bad(stars)
    return Rating.objects.create(
        answer_due_at=timing.due_after(now, ANSWER_WORKING_DAYS) if bad else None,
        application=app,
        step=step,
        department=department,
        stars=stars,
        reasons=chosen,
        is_bad=bad,
        misconduct=any(c in rating_reasons.MISCONDUCT for c in chosen),
        comment=comment,
        created_at=now,
    )


def _rate_step(application, step, stars, chosen, comment):
    app = Application.objects.select_for_update(of=("self",)).select_related("item").get(pk=application.pk)
    step = ApplicationStep.objects.select_related("department").filter(pk=step.pk, application=app).first()
    if step is None or step.state not in FINISHED_STEP_STATES:
        raise ValidationError(_("Only a finished step can be rated."), code=ApprovalErrorCode.NOT_RATEABLE)
    if Rating.objects.filter(application=app, step=step).exists():
        raise _already_rated(step)
    rating = _new_rating(app, step, step.department, stars, chosen, comment)
    _record(
        app,
        "step.rated",
        None,
        app.state,
        app.state,
        step=step,
        payload=_facts(stars, chosen, comment, rating),
        clocks=_answer_clock(rating),
    )
    return rating


def _answer_clock(rating):
    """A bad rating starts its answer's supervised clock; a good one starts none."""
    return [_rating_clock(rating, ClockAction.START, rating.answer_due_at)] if rating.answer_due_at else []


def _rate_case(application, stars, chosen, comment):
    app = _lock(application, "rate")
    if app.rating is not None or Rating.objects.filter(application=app, step__isnull=True).exists():
        raise _already_rated(None)
    rating = _new_rating(app, None, app.item.department, stars, chosen, comment)
    app.rating, app.rating_comment = stars, comment
    _save(app, "rating", "rating_comment")
    _record(
        app,
        "application.rated",
        None,
        State.COMPLETED,
        State.COMPLETED,
        department=app.item.department,
        payload=_facts(stars, chosen, comment, rating),
        clocks=_answer_clock(rating),
    )
    return rating


def can_answer(user: AbstractBaseUser, rating: Rating) -> bool:
    """The rated department's own staff answer its bad ratings (a centre's window staff, a bureau's handlers)."""
    return permissions.handles_department(user, rating.department_id) or permissions.is_staff_of_centre(
        user, rating.department_id
    )


def answer_rating(rating: Rating, *, by: AbstractBaseUser, verdict: str, rectification: str, revisit: str) -> Rating:
    """差评整改回访: the department's finding on a bad rating, what it put right, and the applicant's word when called
    back. Once per rating; written to the case's history (``rating.answered``, published to supervision)."""
    if not can_answer(by, rating):
        raise ValidationError(_("You may not do this."), code=CommonErrorCode.PERMISSION_DENIED)
    problems = {}
    if verdict not in RatingVerdict.values:
        problems["verdict"] = _("Say whether the check confirmed the complaint.")
    rectification = (rectification or "").strip()[:2000]
    if len(rectification) < 10:
        problems["rectification"] = _("Say what was checked and put right, in at least 10 characters.")
    if revisit not in RatingRevisit.values:
        problems["revisit"] = _("Say what the applicant said when called back.")
    if problems:
        raise ValidationError(problems, code=CommonErrorCode.INVALID)
    with transaction.atomic():
        rating = (
            Rating.objects.select_for_update(of=("self",)).select_related("application__item", "step").get(pk=rating.pk)
        )
        if not rating.is_bad:
            raise ValidationError(_("Only a bad rating is answered."), code=ApprovalErrorCode.NOT_RATEABLE)
        if rating.answered_at is not None:
            raise ValidationError(_("This rating has already been answered."), code=ApprovalErrorCode.ALREADY_ANSWERED)
        now = timing.now()
        rating.verdict, rating.rectification, rating.revisit = verdict, rectification, revisit
        rating.answered_by, rating.answered_at = by, now
        rating.save(update_fields=["verdict", "rectification", "revisit", "answered_by", "answered_at"])
        app = rating.application
        _record(
            app,
            "rating.answered",
            by,
            app.state,
            app.state,
            step=rating.step,
            department=rating.department,
            payload={
                "rating_id": rating.pk,
                "verdict": verdict,
                "revisit": revisit,
                "rectification": rectification,
                "overdue": bool(rating.answer_due_at and now > rating.answer_due_at),
            },
            clocks=[_rating_clock(rating, ClockAction.STOP)],
        )
    return rating
