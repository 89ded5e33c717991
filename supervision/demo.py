"""Demo: global thresholds, then one sweep over whatever clocks the other platforms' demo steps started.

Runs after approvals' and complaints' steps (supervision sits after them in INSTALLED_APPS); without them there are
no clocks and the sweep finds nothing, which is fine.
"""

from django.utils.translation import gettext as _

from directory.demo import demo_step
from supervision import services
from supervision.models import Alert, ThresholdPolicy


@demo_step
def load_supervision(run):
    _policy, created = ThresholdPolicy.objects.get_or_create(
        policy="",
        defaults={
            "name": "全市默认时限监察阈值",
            "warning_working_days": 1,
            "warning_percent": 20,
            "red_working_days": 3,
            "yellow_cards_for_red": 3,
            "min_step_minutes": 5,
        },
    )
    run.count(_("supervision thresholds"), created=int(created), total=ThresholdPolicy.objects.count())
    fired = services.sweep()
    run.count(_("warnings and cards"), created=fired, total=Alert.objects.count())
