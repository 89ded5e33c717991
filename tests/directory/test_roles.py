import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from directory import roles
from directory.roles import ROLES, ROLES_BY_CODE, Role, role_group, sync_roles

EXPECTED_NAMES = {
    "编辑",
    "审核员",
    "版主",
    "窗口工作人员",
    "部门承办人",
    "监察员",
    "调查员",
    "短信管理员",
    "单位学习管理员",
}


def _permission_labels(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
def test_the_migration_created_every_role_group_with_its_permissions():
    assert {role.name for role in ROLES} == EXPECTED_NAMES
    for role in ROLES:
        group = Group.objects.get(name=role.name)
        assert "wagtailadmin.access_admin" in _permission_labels(group)
        assert _permission_labels(group) == set(role.permissions)


@pytest.mark.django_db
def test_supervisor_and_sms_operator_get_the_directory_permissions_of_their_work():
    assert _permission_labels(role_group("supervisor")) >= {
        "directory.view_department",
        "directory.view_cadre",
        "directory.view_cadregroup",
    }
    sms = _permission_labels(role_group("sms_operator"))
    assert {"directory.add_cadregroup", "directory.change_cadregroup", "directory.view_cadre"} <= sms
    assert "directory.change_cadre" not in sms and "directory.delete_cadregroup" not in sms
    assert _permission_labels(role_group("window_staff")) == {
        "wagtailadmin.access_admin",
        "directory.view_department",
        "approvals.view_application",
        "approvals.view_approvalitem",
    }


@pytest.mark.django_db
def test_sync_roles_is_idempotent_and_keeps_permissions_granted_by_hand():
    supervisor = role_group("supervisor")
    by_hand = Permission.objects.get(content_type__app_label="directory", codename="change_cadre")
    supervisor.permissions.add(by_hand)
    Group.objects.get(name="调查员").delete()
    groups_before = Group.objects.count()

    sync_roles()
    sync_roles()

    assert Group.objects.count() == groups_before + 1  # only the deleted group came back
    assert Group.objects.filter(name="调查员").count() == 1
    assert by_hand in role_group("supervisor").permissions.all()
    assert role_group("investigator").permissions.count() == len(ROLES_BY_CODE["investigator"].permissions)


@pytest.mark.django_db
def test_sync_roles_works_with_a_migrations_historical_apps_and_creates_missing_permissions():
    # On a fresh database the post_migrate signal has not yet created directory's permissions when 0002 runs.
    Group.objects.filter(name__in=EXPECTED_NAMES).delete()
    Permission.objects.filter(content_type__app_label="directory", codename="view_cadregroup").delete()
    state = MigrationExecutor(connection).loader.project_state(("directory", "0002_roles"))

    sync_roles(state.apps)

    recreated = Permission.objects.get(content_type__app_label="directory", codename="view_cadregroup")
    assert recreated.name == "Can view cadre group"  # what Django's own post_migrate would have named it
    assert _permission_labels(role_group("supervisor")) == set(roles.ROLES_BY_CODE["supervisor"].permissions)


@pytest.mark.django_db
def test_a_permission_of_a_model_not_yet_migrated_is_skipped_in_a_migration_but_a_typo_fails_at_runtime(
    monkeypatch,
):
    monkeypatch.setattr(roles, "ROLES", (Role("editor", "编辑", ("directory.view_nosuchmodel",)),))
    state = MigrationExecutor(connection).loader.project_state(("directory", "0002_roles"))
    sync_roles(state.apps)  # a later migration of the model's app calls sync_roles again
    with pytest.raises(LookupError):
        sync_roles()


@pytest.mark.django_db
def test_every_role_can_open_the_admin_but_only_a_supervisor_reads_cadres(client, django_user_model):
    for role in ROLES:
        user = django_user_model.objects.create_user(f"u-{role.code}", password="pw")
        user.groups.add(role_group(role.code))
        client.force_login(user)
        assert client.get("/admin/").status_code == 200, role.name

    supervisor = django_user_model.objects.get(username="u-supervisor")
    client.force_login(supervisor)
    assert client.get("/admin/snippets/directory/cadre/").status_code == 200
    client.force_login(django_user_model.objects.get(username="u-window_staff"))
    assert client.get("/admin/snippets/directory/cadre/").status_code != 200


@pytest.mark.django_db
def test_a_user_without_a_role_cannot_open_the_admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="pw"))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]
