"""Records in the Wagtail admin (message logs, audit trails, alerts): listed and inspected, never changed there."""

from django.urls import path
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy


class ReadOnlyPolicy(ModelPermissionPolicy):
    """A record (a message log, an audit trail): read with the view permission, never changed from the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(["view"]) if "view" in actions else self.user_model.objects.none()


class RecordViewSet(ModelViewSet):
    """A record's admin: a list and an inspect view under the read-only policy; no URL adds, edits or deletes."""

    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    add_to_reference_index = False
    search_backend_name = None  # ORM icontains: finds Chinese substrings
    list_per_page = 50
    form_fields = []  # never used: there are no add or edit views

    @property
    def permission_policy(self):
        return ReadOnlyPolicy(self.model)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]
