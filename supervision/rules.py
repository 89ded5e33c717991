"""Anomaly and legality rules (异常监察, 合法监察): small classes, each judging one received event.

A rule has a code, a description and a severity, names the event kinds it reads, and returns the finding's message
(or None). Rules read only the payload facts documented in core/events.py, so they judge any source alike.
R09 compares handlers with their peers over a period and runs on a schedule instead.
"""

import datetime
import decimal
import logging

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workdays
from core.events import label_for
from supervision.clocks import Thresholds
from supervision.findings import record_finding
from supervision.models import Clock, ReceivedEvent, Severity

logger = logging.getLogger(__name__)

DECISION_KINDS = {
    "application.not_accepted",
    "step.approved",
    "step.refused",
    "application.approved",
    "application.refused",
    "complaint.not_accepted",
    "complaint.concluded",
}
# What may still happen to a case after its final event without being a change to it.
AFTER_FINAL_KINDS = {
    "application.rated",
    "step.rated",
    "rating.answered",
    "complaint.update_published",
    "complaint.clarification_published",
}


class Rule:
    code = ""
    description = ""
    severity = Severity.MEDIUM
    kinds = None  # None: every kind

    def applies(self, event):
        return self.kinds is None or event.kind in self.kinds

    def check(self, event):
        """The finding's message when the rule fires, else None."""
        raise NotImplementedError

    def related(self, event):
        """Findings this event reveals about other events already received: [(event, message)]."""
        return []


class AcceptedWithoutMaterials(Rule):
    code = "R01"
    description = gettext_lazy("Accepted without every required material")
    severity = Severity.HIGH
    kinds = {"application.accepted"}

    def check(self, event):
        missing = event.payload.get("materials_missing") or []
        if missing:
            return _("Accepted although these required materials were missing: %(m)s") % {
                "m": "、".join(str(m) for m in missing)
            }
        return None


class StepTooFast(Rule):
    code = "R02"
    description = gettext_lazy("A step finished faster than a plausible minimum")
    severity = Severity.MEDIUM
    kinds = {"step.approved", "step.refused", "application.completed", "complaint.concluded"}

    def check(self, event):
        keys = [c["key"] for c in event.clocks if c["action"] == "stop"]
        if not keys:
            return None
        thresholds = Thresholds()
        for clock in Clock.objects.filter(key__in=keys, started_at__isnull=False):
            minimum = datetime.timedelta(minutes=thresholds.for_policy(clock.policy).min_step_minutes)
            spent = event.occurred_at - clock.started_at - clock.paused_total
            if spent < minimum:
                return _(
                    "%(label)s finished %(seconds)d seconds after it started (plausible minimum %(min)d minutes)"
                ) % {
                    "label": clock.label or clock.key,
                    "seconds": max(0, int(spent.total_seconds())),
                    "min": minimum.total_seconds() // 60,
                }
        return None


class OutsideOfficeHours(Rule):
    code = "R03"
    description = gettext_lazy("An official acted outside office hours")
    severity = Severity.LOW

    def check(self, event):
        if event.actor_id is None:
            return None  # applicants and citizens may act at any hour
        local = timezone.localtime(event.occurred_at)
        start, end = office_hours()
        if not workdays.is_working_day(local.date()):
            return _("%(who)s acted on a non-working day (%(when)s)") % {
                "who": event.actor_name or event.actor_id,
                "when": local.strftime("%Y-%m-%d %H:%M"),
            }
        if not start <= local.time() < end:
            return _("%(who)s acted outside office hours (%(when)s)") % {
                "who": event.actor_name or event.actor_id,
                "when": local.strftime("%Y-%m-%d %H:%M"),
            }
        return None


def office_hours():
    text = getattr(settings, "SUPERVISION_OFFICE_HOURS", "08:00-18:00")
    start, end = (datetime.time.fromisoformat(part.strip()) for part in text.split("-"))
    return start, end


class ActorOutsideDepartment(Rule):
    code = "R04"
    description = gettext_lazy("An actor outside the handling department")
    severity = Severity.HIGH
    # The window of a service centre accepts for every department; decisions and handling must come from inside.
    kinds = {
        "step.started",
        "step.approved",
        "step.refused",
        "application.approved",
        "application.refused",
        "complaint.investigation_started",
        "complaint.concluded",
    }

    def check(self, event):
        actor_department = event.payload.get("actor_department_id")
        if event.actor_id is None or not actor_department or not event.department_id:
            return None
        if int(actor_department) == event.department_id:
            return None
        from directory.models import Department

        paths = dict(
            Department.objects.filter(pk__in=[actor_department, event.department_id]).values_list("pk", "path")
        )
        handling, acting = paths.get(event.department_id), paths.get(int(actor_department))
        if handling and acting and acting.startswith(handling):
            return None  # a sub-unit of the handling department
        return _("%(who)s (department #%(a)s) acted on a case handled by department #%(d)s") % {
            "who": event.actor_name or event.actor_id,
            "a": actor_department,
            "d": event.department_id,
        }


class SecondSupplement(Rule):
    code = "R05"
    description = gettext_lazy("A second supplement request (the one-time notice was not one)")
    severity = Severity.MEDIUM
    kinds = {"application.supplement_requested"}

    def check(self, event):
        count = int(event.payload.get("supplement_count") or 0)
        if count < 2:
            return None
        justification = (event.payload.get("justification") or "").strip()
        if justification:
            return _("Supplement request no. %(n)d; reason given: %(why)s") % {"n": count, "why": justification}
        return _("Supplement request no. %(n)d without a written reason") % {"n": count}


class FeeMismatch(Rule):
    code = "R06"
    description = gettext_lazy("A fee differing from the published fee")
    severity = Severity.HIGH

    def check(self, event):
        charged, published = event.payload.get("fee_charged"), event.payload.get("fee_published")
        if charged is None or published is None:
            return None
        try:
            if decimal.Decimal(str(charged)) == decimal.Decimal(str(published)):
                return None
        except decimal.InvalidOperation:
            pass
        return _("Charged %(c)s yuan; the published fee is %(p)s yuan") % {"c": charged, "p": published}


class DecisionWithoutLegalBasis(Rule):
    code = "R07"
    description = gettext_lazy("A decision without a legal basis")
    severity = Severity.HIGH
    kinds = DECISION_KINDS - {"complaint.concluded"}

    def check(self, event):
        if (event.payload.get("legal_basis") or "").strip():
            return None
        return _("%(kind)s cites no legal basis") % {"kind": label_for(event.kind)}


class ChangeAfterCompletion(Rule):
    code = "R08"
    description = gettext_lazy("A change after completion")
    severity = Severity.HIGH

    def check(self, event):
        if event.kind in AFTER_FINAL_KINDS or event.is_final:
            return None
        final = (
            ReceivedEvent.objects.filter(subject=event.subject, is_final=True, occurred_at__lt=event.occurred_at)
            .exclude(pk=event.pk)
            .order_by("occurred_at")
            .first()
        )
        if final is None:
            return None
        return _("%(kind)s after the case was finished (%(final)s at %(when)s)") % {
            "kind": label_for(event.kind),
            "final": label_for(final.kind),
            "when": timezone.localtime(final.occurred_at).strftime("%Y-%m-%d %H:%M"),
        }

    def related(self, event):
        """A final event arriving after changes that happened later (out of order): those changes are findings too."""
        if not event.is_final:
            return []
        later = (
            ReceivedEvent.objects.filter(subject=event.subject, occurred_at__gt=event.occurred_at, is_final=False)
            .exclude(kind__in=AFTER_FINAL_KINDS)
            .order_by("occurred_at")
        )
        when = timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M")
        return [
            (
                other,
                _("%(kind)s after the case was finished (%(final)s at %(when)s)")
                % {"kind": label_for(other.kind), "final": label_for(event.kind), "when": when},
            )
            for other in later
        ]


class MisconductInRating(Rule):
    """好差评: a bad rating (1 or 2 stars) whose reasons allege misconduct (索要财物, 吃拿卡要, 态度恶劣 ...).

    The source names those reasons in the payload's ``misconduct`` (core/events.py); which reasons they are is the
    source's business, so this rule reads only the facts."""

    code = "R10"
    description = gettext_lazy("A bad rating alleging misconduct")
    severity = Severity.HIGH
    kinds = {"application.rated", "step.rated"}
    BAD_AT_MOST = 2

    def check(self, event):
        misconduct = [str(m) for m in event.payload.get("misconduct") or [] if str(m).strip()]
        try:
            rating = int(event.payload.get("rating"))
        except (TypeError, ValueError):
            return None
        if not misconduct or rating > self.BAD_AT_MOST:
            return None
        facts = {"stars": rating, "what": "、".join(misconduct), "comment": str(event.payload.get("comment") or "")}
        if facts["comment"].strip():
            facts["comment"] = facts["comment"].strip()[:200]
            return _("The applicant rated %(stars)d of 5 and reported: %(what)s. Comment: %(comment)s") % facts
        return _("The applicant rated %(stars)d of 5 and reported: %(what)s") % facts


EVENT_RULES = [
    AcceptedWithoutMaterials(),
    StepTooFast(),
    OutsideOfficeHours(),
    ActorOutsideDepartment(),
    SecondSupplement(),
    FeeMismatch(),
    DecisionWithoutLegalBasis(),
    ChangeAfterCompletion(),
    MisconductInRating(),
]


def run_event_rules(event, skip=frozenset()):
    """Run every per-event rule (but those whose code is in `skip`) on a ReceivedEvent; returns the findings."""
    findings = []
    for rule in EVENT_RULES:
        if rule.code in skip or not rule.applies(event):
            continue
        message = rule.check(event)
        judged = [(event, message)] if message else []
        for judged_event, judged_message in judged + rule.related(event):
            finding = record_finding(
                rule=rule.code,
                title=rule.description,
                severity=rule.severity,
                message=judged_message,
                dedupe_key=f"{rule.code}:{judged_event.key}",
                event=judged_event,
            )
            if finding:
                findings.append(finding)
    return findings


def run_event_rules_many(events):
    """run_event_rules for a batch: R08 (a change after completion) asks once for the batch which of its cases have
    a final event, and skips the others' non-final events, where it could find nothing."""
    finished = set(
        ReceivedEvent.objects.filter(subject__in={e.subject for e in events}, is_final=True).values_list(
            "subject", flat=True
        )
    )
    findings = []
    for event in events:
        nothing_to_find = event.subject not in finished and not event.is_final
        findings += run_event_rules(event, skip={ChangeAfterCompletion.code} if nothing_to_find else frozenset())
    return findings


class RefusalRateOutlier(Rule):
    """Periodic: a handler refusing far more often than the other handlers of the same item."""

    code = "R09"
    description = gettext_lazy("A handler whose refusal rate is far above peers on the same item")
    severity = Severity.MEDIUM
    REFUSALS = {"step.refused", "application.refused", "application.not_accepted"}
    DECISIONS = REFUSALS | {"step.approved", "application.approved"}

    def run(self, now=None, days=90):
        now = now or timezone.now()
        since = now - datetime.timedelta(days=days)
        min_decisions = getattr(settings, "SUPERVISION_REFUSAL_MIN_DECISIONS", 10)
        factor = getattr(settings, "SUPERVISION_REFUSAL_FACTOR", 2.0)
        margin = getattr(settings, "SUPERVISION_REFUSAL_MARGIN", 0.2)
        rows = (
            ReceivedEvent.objects.filter(
                kind__in=self.DECISIONS, occurred_at__gte=since, occurred_at__lt=now, actor__isnull=False
            )
            .exclude(item="")
            .values("item", "actor_id")
            .annotate(total=Count("id"), refused=Count("id", filter=Q(kind__in=self.REFUSALS)))
            .order_by()
        )
        by_item = {}
        for row in rows:
            by_item.setdefault(row["item"], []).append(row)
        findings = []
        for item, handlers in by_item.items():
            for row in handlers:
                if row["total"] < min_decisions:
                    continue
                peers = [p for p in handlers if p is not row]
                peer_total = sum(p["total"] for p in peers)
                if peer_total < min_decisions:
                    continue
                rate = row["refused"] / row["total"]
                peer_rate = sum(p["refused"] for p in peers) / peer_total
                if rate >= peer_rate * factor and rate >= peer_rate + margin:
                    finding = record_finding(
                        rule=self.code,
                        title=self.description,
                        severity=self.severity,
                        message=_("Handler #%(h)s refused %(r).0f%% of %(n)d decisions on %(item)s; peers %(p).0f%%")
                        % {
                            "h": row["actor_id"],
                            "r": rate * 100,
                            "n": row["total"],
                            "item": item,
                            "p": peer_rate * 100,
                        },
                        dedupe_key=f"{self.code}:{timezone.localtime(now):%Y-%m}:{item}:{row['actor_id']}",
                        subject=item,
                        actor_id=row["actor_id"],
                    )
                    if finding:
                        findings.append(finding)
        return findings


PERIODIC_RULES = [RefusalRateOutlier()]
ALL_RULES = [*EVENT_RULES, *PERIODIC_RULES]


def descriptions() -> dict[str, str]:
    """Every rule's code and its description in the reader's language, for pages that name a finding's rule."""
    return {rule.code: str(rule.description) for rule in [*EVENT_RULES, *PERIODIC_RULES]}
