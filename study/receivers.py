"""The ledger's receiver of core.points.earn: runs in the source's transaction, so a failure rolls both back."""

from core.points import PointSource
from study import assignments, ledger


def on_points_earned(sender, *, source, key, cadre_id, day, points=0, at=None, **kwargs):
    ledger.credit(cadre_id=cadre_id, source=PointSource(source), key=key, day=day, points=points, at=at)
    if source != PointSource.TASK:
        # Whatever the cap left of the points, the study itself counts towards the cadre's tasks.
        assignments.on_activity(cadre_id)
