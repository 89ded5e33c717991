"""Keep the search index in step with publishing, deleting, moving and view restrictions."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms import search
from cms.caching import bump_content_version, bump_footer_version
from cms.models import SiteFooter


def on_page_published(sender, instance, **kwargs):
    search.index_page(instance)


def on_page_unpublished(sender, instance, **kwargs):
    search.remove_page(instance)


def on_page_deleted(sender, instance, **kwargs):
    # The entry cascades with the page row; this covers a delete that bypasses the cascade (raw SQL, fixtures).
    search.remove_page(instance.pk)


def on_page_moved(sender, instance, **kwargs):
    search.sync_subtree(instance)


def on_view_restriction_changed(sender, instance, **kwargs):
    # A restriction hides the whole subtree and none of Wagtail's page signals fires when it is added or removed.
    try:
        page = Page.objects.get(pk=instance.page_id)
    except Page.DoesNotExist:
        return
    search.sync_subtree(page)


def register_signal_handlers():
    page_published.connect(on_page_published, dispatch_uid="cms_search_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="cms_search_unpublished")
    post_delete.connect(on_page_deleted, sender=Page, dispatch_uid="cms_search_deleted")
    post_page_move.connect(on_page_moved, dispatch_uid="cms_search_moved")
    post_save.connect(on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="cms_search_restricted")
    post_delete.connect(on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="cms_search_unrestricted")
    for signal, uid in ((page_published, "published"), (page_unpublished, "unpublished"), (post_page_move, "moved")):
        signal.connect(bump_content_version, dispatch_uid=f"cms_content_version_{uid}")
    post_delete.connect(bump_content_version, sender=Page, dispatch_uid="cms_content_version_deleted")
    # Every page's footer shows the site information: a cache of whole pages keyed on the version must drop them.
    post_save.connect(bump_content_version, sender=SiteFooter, dispatch_uid="cms_content_version_footer")
    post_save.connect(bump_footer_version, sender=SiteFooter, dispatch_uid="cms_footer_version")
