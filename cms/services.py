from django.conf import settings
from django.db import transaction
from django.utils.translation import get_supported_language_variant
from wagtail.models import Locale, Page, Site

from cms.models import HomePage

HOME_TITLE = "清风"
HOME_INTRO = "清河市纪委监委廉政建设平台：网上审批、电子监察、网络投诉、网络教育。"


@transaction.atomic
def ensure_home_page():
    """Make our HomePage the default site's root, creating root, locale and site if missing. Idempotent."""
    Locale.objects.get_or_create(language_code=get_supported_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's own migration leaves a plain "Welcome" page at slug "home"; ours replaces it.
        for page in root.get_children().filter(slug="home"):
            if page.specific_class is Page:
                page.delete()
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", intro=HOME_INTRO))
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=HOME_TITLE)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = site.site_name or HOME_TITLE
        site.save()
    return home
