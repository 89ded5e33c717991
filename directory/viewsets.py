from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, MultipleChooserPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from directory.models import Cadre, CadreGroup, Department


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "site"
    menu_label = _("Departments")
    menu_order = 100
    list_display = ["name", "code", "kind", "parent", BooleanColumn("is_active", label=_("Active"))]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "short_name"]
    search_backend_name = None
    ordering = ["path"]
    list_per_page = 50
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("is_active")]),
        MultiFieldPanel(
            [FieldPanel("address"), FieldRowPanel([FieldPanel("phone"), FieldPanel("opening_hours")])],
            heading=_("Where citizens go (service centres)"),
        ),
    ]

    def get_queryset(self, request):
        return Department.objects.select_related("parent")


class CadreIndexView(IndexView):
    @property
    def header_buttons(self):
        buttons = super().header_buttons
        user = self.request.user
        if user.has_perms(["directory.add_cadre", "directory.change_cadre"]):
            buttons.append(
                HeaderButton(
                    _("Import spreadsheet"), url=reverse("directory_import:upload"), icon_name="upload", priority=20
                )
            )
        return buttons


class CadreViewSet(SnippetViewSet):
    model = Cadre
    icon = "user"
    menu_label = _("Cadres")
    menu_order = 110
    index_view_class = CadreIndexView
    list_display = [
        "name",
        Column("phone", label=_("Mobile phone")),
        "department",
        "post",
        "rank",
        BooleanColumn("is_party_member", label=_("Party member")),
        BooleanColumn("sms_opt_in", label=_("SMS")),
    ]
    list_filter = ["department__kind", "rank", "is_party_member", "sms_opt_in", "groups"]
    list_export = ["name", "phone", "department__code", "department__name", "post", "rank", "is_party_member"]
    export_filename = "cadres"
    search_fields = ["name", "phone", "post", "department__name"]
    search_backend_name = None
    list_per_page = 50
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("phone")]),
        FieldPanel("department"),
        FieldRowPanel([FieldPanel("post"), FieldPanel("rank")]),
        MultiFieldPanel(
            [FieldPanel("is_party_member"), FieldPanel("sms_opt_in"), FieldPanel("user")],
            heading=_("Membership and subscription"),
        ),
    ]

    def get_queryset(self, request):
        return Cadre.objects.select_related("department")


class CadreGroupViewSet(SnippetViewSet):
    model = CadreGroup
    icon = "group"
    menu_label = _("Cadre groups")
    menu_order = 120
    list_display = ["name", Column("member_count", label=_("Members")), "description", "created_at"]
    search_fields = ["name", "description"]
    search_backend_name = None
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        MultipleChooserPanel("memberships", chooser_field_name="cadre", label=_("Members"), min_num=0),
    ]

    def get_queryset(self, request):
        return CadreGroup.objects.annotate(member_count=Count("memberships"))


class DirectoryViewSetGroup(SnippetViewSetGroup):
    items = (DepartmentViewSet, CadreViewSet, CadreGroupViewSet)
    menu_icon = "group"
    menu_label = _("Cadre directory")
    menu_name = "directory"
    menu_order = 300
