"""The catalogue in the Wagtail admin: items, their materials and their procedure steps."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from approvals.models import ApprovalItem, ItemStep, Material


class ApprovalItemViewSet(ModelViewSet):
    model = ApprovalItem
    icon = "list-ul"
    menu_label = _("Approval items")
    list_display = [
        "code",
        "name",
        "department",
        "theme",
        "promised_days",
        BooleanColumn("is_published", label=_("published")),
    ]
    list_filter = ["theme", "is_published"]
    search_fields = ["code", "name"]
    form_fields = [
        "code",
        "name",
        "department",
        "theme",
        "summary",
        "legal_basis",
        "conditions",
        "statutory_days",
        "promised_days",
        "fee",
        "fee_basis",
        "handling_mode",
        "at_city_centre",
        "township_centres",
        "is_published",
    ]


class MaterialViewSet(ModelViewSet):
    model = Material
    icon = "doc-full"
    menu_label = _("Required materials")
    list_display = [
        "name",
        Column("item", label=pgettext_lazy("approval", "item")),
        "form",
        "copies",
        BooleanColumn("required", label=pgettext_lazy("material", "required")),
    ]
    search_fields = ["name"]
    form_fields = ["item", "name", "form", "copies", "required", "blank_form", "sample", "sort_order"]


class ItemStepViewSet(ModelViewSet):
    model = ItemStep
    icon = "order"
    menu_label = _("Procedure steps")
    list_display = [Column("item", label=pgettext_lazy("approval", "item")), "order", "name", "working_days"]
    form_fields = ["item", "order", "name", "working_days", "role", "departments"]


class CatalogueGroup(ModelViewSetGroup):
    menu_label = _("Approval catalogue")
    menu_icon = "list-ul"
    menu_order = 210
    items = (
        ApprovalItemViewSet("approval_items"),
        MaterialViewSet("approval_materials"),
        ItemStepViewSet("approval_steps"),
    )
