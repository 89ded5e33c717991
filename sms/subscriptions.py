"""Who receives integrity SMS: every change of a cadre's subscription goes through here and leaves a record."""

from django.db import transaction

from directory.models import Cadre
from sms.models import SubscriptionChange


def set_subscription(cadre, opted_in, source, by=None):
    """Opt a cadre in or out of integrity SMS. Returns the SubscriptionChange, or None when nothing changed.

    Idempotent: a second STOP (or an admin saving the same value) writes no row. The cadre row is locked so that
    two concurrent changes (an SMS reply and an admin edit) are recorded in the order they took effect.
    """
    opted_in = bool(opted_in)
    with transaction.atomic():
        locked = Cadre.objects.select_for_update().get(pk=cadre.pk)
        change = None
        if locked.sms_opt_in != opted_in:
            locked.sms_opt_in = opted_in
            # Cadre.save() stamps sms_opt_in_changed_at when the value changes.
            locked.save(update_fields=["sms_opt_in", "updated_at"])
            change = SubscriptionChange.objects.create(cadre=locked, opted_in=opted_in, source=source, changed_by=by)
    cadre.sms_opt_in = locked.sms_opt_in
    cadre.sms_opt_in_changed_at = locked.sms_opt_in_changed_at
    cadre._loaded_sms_opt_in = locked.sms_opt_in
    return change
