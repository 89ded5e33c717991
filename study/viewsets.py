"""The study app in the Wagtail admin: the points rules, edited by the education office."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSet

from study.models import PointsRule


class PointsRuleViewSet(ModelViewSet):
    model = PointsRule
    icon = "pick"
    menu_label = _("Points rules")
    menu_order = 720
    add_to_settings_menu = True
    list_display = ["source", "points", "max_per_event", "daily_cap", BooleanColumn("is_active", label=_("Active"))]
    panels = [
        FieldPanel("source"),
        FieldPanel("points"),
        FieldPanel("max_per_event"),
        FieldPanel("daily_cap"),
        FieldPanel("is_active"),
    ]
    copy_view_enabled = False
    inspect_view_enabled = False
