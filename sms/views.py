"""Public pages of the SMS app: the short links in campaign messages."""

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from sms.tracking import record_click


def short_link(request, code):
    """Count a click on a campaign link and send the reader on to the linked page (no IP or user agent stored)."""
    delivery = record_click(code)
    if delivery is None:
        return TemplateResponse(request, "sms/short_link_missing.html", status=404)
    page = delivery.run.campaign.link_page
    url = page.specific_deferred.get_url(request) if page is not None and page.live else None
    return HttpResponseRedirect(url or "/")
