from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import Regulation, ViolationCategory, WarningPhrase


class ViolationCategoryViewSet(SnippetViewSet):
    model = ViolationCategory
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    search_backend_name = None  # ORM icontains: finds Chinese substrings the database backend would miss
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]


class RegulationViewSet(SnippetViewSet):
    model = Regulation
    icon = "doc-full"
    list_display = ["title", "short_title", "issuer", "effective_date"]
    list_filter = ["issuer"]
    search_fields = ["title", "short_title"]
    search_backend_name = None


class WarningPhraseViewSet(SnippetViewSet):
    model = WarningPhrase
    icon = "warning"
    list_display = ["text", "source", BooleanColumn("active", label=_("in use")), "created_at"]
    list_filter = ["active"]
    search_fields = ["text", "source"]
    search_backend_name = None


class EducationSnippetGroup(SnippetViewSetGroup):
    items = (WarningPhraseViewSet, ViolationCategoryViewSet, RegulationViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = _("Education library")
    menu_name = "education"
    menu_order = 200
