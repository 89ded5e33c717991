"""Open complaint stages follow a change of the holiday schedule (registered with core.calendar)."""

from django.db import transaction

from complaints.models import Stage
from complaints.services.stages import record
from core.events import Clock, ClockAction

NAME = "complaints"


def recompute_deadlines(context) -> int:
    """Move the due time of every open stage the change reaches, with its event and supervised clock."""
    candidates = (
        Stage.objects.filter(ended_at__isnull=True, due_at__gte=context.first_moment, pk__gt=context.done_up_to(NAME))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    moved = 0
    for pk in list(candidates):
        with transaction.atomic():
            stage = Stage.objects.select_for_update().select_related("complaint").filter(pk=pk).first()
            new = context.move(stage.due_at) if stage is not None and stage.ended_at is None else None
            if new is not None:
                old, stage.due_at = stage.due_at, new
                stage.save(update_fields=["due_at"])
                record(
                    stage.complaint,
                    "stage.deadline_recomputed",
                    None,
                    payload={"calendar_year": context.run.year, "from": old.isoformat(), "to": new.isoformat()},
                    clocks=[Clock(key=stage.clock_key, action=ClockAction.RESUME, due_at=new)],
                )
                moved += 1
            context.mark_done(NAME, pk)
    return moved
