from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from quizzes.forms import QuestionForm
from quizzes.models import Question, QuestionTag, SmsQuestion


class QuestionIndexView(IndexView):
    @property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("quizzes.add_question"):
            buttons.append(
                HeaderButton(_("Import XLSX"), url=reverse("quizzes_admin:import"), icon_name="upload", priority=20)
            )
        if self.request.user.has_perm("quizzes.view_attempt"):
            buttons.append(
                HeaderButton(_("Statistics"), url=reverse("quizzes_admin:statistics"), icon_name="table", priority=30)
            )
        return buttons


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    index_view_class = QuestionIndexView
    list_display = ["text", "kind", "difficulty", BooleanColumn("is_active", label=_("Active"))]
    list_filter = ["kind", "difficulty", "is_active", "tags"]
    search_fields = ["text"]
    search_backend_name = None
    list_per_page = 50
    # Options and answer are edited as lines and letters (QuestionForm), not as raw JSON.
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("kind"), FieldPanel("difficulty"), FieldPanel("is_active")]),
            FieldPanel("text"),
            FieldPanel("options_text"),
            FieldPanel("answer"),
            FieldPanel("explanation"),
            FieldPanel("policy_page"),
            FieldPanel("tags"),
        ],
        base_form_class=QuestionForm,
    )


class QuestionTagViewSet(SnippetViewSet):
    model = QuestionTag
    icon = "tag"
    menu_label = _("Question tags")
    list_display = ["name"]
    search_fields = ["name"]
    search_backend_name = None


class SmsQuestionViewSet(SnippetViewSet):
    model = SmsQuestion
    icon = "mail"
    menu_label = _("SMS daily questions")
    list_display = ["day", "question", "campaign"]
    panels = [FieldPanel("day"), FieldPanel("question")]

    def get_queryset(self, request):
        return SmsQuestion.objects.select_related("question", "campaign")


class QuizViewSetGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionTagViewSet, SmsQuestionViewSet)
    menu_icon = "help"
    menu_label = _("Quizzes")
    menu_name = "quizzes"
    menu_order = 250
