from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.permissions import register_permission_policy

from core.admin_records import ReadOnlyPolicy
from directory.models import Cadre
from sms import admin_views, dashboard, template_viewsets
from sms.models import Message, Notice
from sms.viewsets import SmsViewSetGroup

# Registered before any view asks for Message's policy (else Wagtail has already made a default one).
register_permission_policy(Message, ReadOnlyPolicy(Message))
register_permission_policy(Notice, ReadOnlyPolicy(Notice))


@hooks.register("register_admin_viewset")
def register_sms_viewsets():
    return SmsViewSetGroup()


@hooks.register("register_admin_urls")
def register_sms_urls():
    return [
        path("sms/subscription/<int:cadre_pk>/", admin_views.subscription, name="sms_subscription"),
        *template_viewsets.urls(),
    ]


@hooks.register("register_snippet_listing_buttons")
def cadre_subscription_button(snippet, user, next_url=None):
    if isinstance(snippet, Cadre) and admin_views.can_manage_subscriptions(user):
        yield Button(
            _("SMS subscription"),
            url=reverse("sms_subscription", args=[snippet.pk]),
            icon_name="mail",
            priority=40,
        )


@hooks.register("construct_homepage_panels")
def add_work_panels(request, panels):
    panels.extend(dashboard.panels_for(request.user))
