"""Public pages of the SMS app: the short links in campaign messages."""

from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from sms.models import Delivery


def short_link(request, code):
    """Count a click on a campaign link and send the reader on to the linked page.

    Only the delivery's counters change: no IP address or user agent is stored.
    """
    delivery = Delivery.objects.filter(short_code=code).select_related("run__campaign__link_page").first()
    if delivery is None:
        return TemplateResponse(request, "sms/short_link_missing.html", status=404)
    # One UPDATE: concurrent clicks each count, and first_clicked_at is only ever set once.
    Delivery.objects.filter(pk=delivery.pk).update(
        clicks=F("clicks") + 1, first_clicked_at=Coalesce(F("first_clicked_at"), timezone.now())
    )
    page = delivery.run.campaign.link_page
    url = page.specific_deferred.get_url(request) if page is not None and page.live else None
    return HttpResponseRedirect(url or "/")
