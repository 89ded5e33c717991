"""The study app in the Wagtail admin: the points rules (edited by the education office) and study tasks."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from study import assignments
from study.error_codes import StudyErrorCode
from study.models import PointsRule, StudyTask


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


class StudyTaskForm(WagtailAdminModelForm):
    """Refuses a task nobody can do before it is saved: deadline passed, nothing to study, nobody to study it."""

    def clean(self):
        cleaned = super().clean()
        deadline = cleaned.get("deadline")
        if deadline and deadline <= timezone.now():
            self.add_error(
                "deadline",
                ValidationError(_("The deadline must be in the future."), code=StudyErrorCode.DEADLINE_PASSED),
            )
        if not cleaned.get("quiz") and not cleaned.get("pages"):
            self.add_error("pages", _("Choose pages or a quiz to study."))
        departments, groups = cleaned.get("departments") or [], cleaned.get("groups") or []
        user = getattr(self, "for_user", None)
        if user is not None and not user.has_perm("study.change_studytask"):
            # A unit's secretary assigns to their own unit and the units below it only, never to groups.
            own = assignments.own_units(user)
            if groups or any(d not in own for d in departments):
                self.add_error("departments", _("You may assign tasks to your own unit only."))
        if not self.instance.pk:
            if not assignments.audience_of(departments, groups).exists():
                self.add_error("departments", _("The chosen departments and groups have no cadres."))
        return cleaned


class StudyTaskCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        task = super().save_instance()
        count = assignments.assign_task(task, by=self.request.user)
        messages.success(self.request, _("Assigned to %(n)d cadres.") % {"n": count})
        return task


class StudyTaskViewSet(ModelViewSet):
    model = StudyTask
    name = "study_task"
    url_prefix = "study/tasks"
    icon = "tasks"
    menu_label = _("Study tasks")
    menu_order = 330
    add_to_admin_menu = True
    add_view_class = StudyTaskCreateView
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["title"]
    search_backend_name = None
    list_display = [
        TitleColumn("title", label=_("title")),
        Column("deadline", label=_("deadline")),
        TitleColumn(
            "completion_label",
            label=pgettext_lazy("study task", "Completion"),
            get_url=lambda task: reverse("study_admin:completion", args=[task.pk]),
        ),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("pages"),
            FieldPanel("quiz"),
            FieldPanel("pass_mark"),
            FieldPanel("video_percent"),
            FieldPanel("departments"),
            FieldPanel("groups", widget=forms.CheckboxSelectMultiple),
            FieldPanel("deadline"),
            FieldPanel("remind_days_before"),
        ],
        base_form_class=StudyTaskForm,
    )
