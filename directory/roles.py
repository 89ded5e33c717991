"""The site's roles: one auth Group per role, with the permissions the role needs, written once as data.

Code refers to a role by its stable English code (``role_group("supervisor")``); the group itself carries the
Chinese name people see in the admin. To give a role more permissions, add the codenames to ``ROLES`` below and
add a data migration in your app that calls ``sync_roles(apps)`` (depending on the migration that creates your
models), so existing databases get the new permissions too. ``sync_roles`` only adds: permissions an
administrator granted by hand are kept.
"""

from dataclasses import dataclass

ACCESS_ADMIN = "wagtailadmin.access_admin"
DEFAULT_ACTIONS = ("add", "change", "delete", "view")
EDITORIAL_SNIPPETS = ("violationcategory", "regulation", "warningphrase")
QUIZ_MODELS = ("question", "questiontag", "smsquestion")


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    permissions: tuple[str, ...]


ROLES = (
    Role(
        "editor",
        "编辑",
        (
            ACCESS_ADMIN,
            *(f"cms.{action}_{model}" for model in EDITORIAL_SNIPPETS for action in DEFAULT_ACTIONS),
            *(f"quizzes.{action}_{model}" for model in QUIZ_MODELS for action in DEFAULT_ACTIONS),
            "quizzes.view_attempt",  # question statistics and the study record per department
            *(f"study.{action}_pointsrule" for action in ("add", "change", "view")),  # the points rules
            *(f"study.{action}_studytask" for action in DEFAULT_ACTIONS),  # study tasks for any unit or group
            "sms.add_campaign",  # the SMS quiz writes the day's campaign; a reviewer approves it
            "sms.view_campaign",
        ),
    ),
    Role(
        "reviewer",
        "审核员",
        (
            ACCESS_ADMIN,
            *(f"cms.view_{model}" for model in EDITORIAL_SNIPPETS),
            "sms.view_campaign",
            "sms.approve_campaign",
        ),
    ),
    # A unit's party secretary (or whom they name): assigns study tasks to their unit, sees its completion.
    Role("study_secretary", "单位学习管理员", (ACCESS_ADMIN, "study.add_studytask", "study.view_studytask")),
    Role("moderator", "版主", (ACCESS_ADMIN, "forum.moderate_forum")),
    Role(
        "window_staff",
        "窗口工作人员",
        (ACCESS_ADMIN, "directory.view_department", "approvals.view_application", "approvals.view_approvalitem"),
    ),
    Role(
        "department_handler",
        "部门承办人",
        (ACCESS_ADMIN, "directory.view_department", "approvals.view_application", "approvals.view_approvalitem"),
    ),
    Role(
        "supervisor",
        "监察员",
        (
            ACCESS_ADMIN,
            "directory.view_department",
            "directory.view_cadre",
            "directory.view_cadregroup",
            "approvals.view_application",
            "approvals.view_approvalitem",
            # Complaints: read every file and the identity-reveal log, never the identities themselves.
            "complaints.view_complaint",
            "complaints.view_revealrecord",
            "complaints.view_complaint_statistics",
            # Electronic supervision: the dashboard, clocks, alerts, findings, cases, thresholds, the audit trail.
            "supervision.view_clock",
            "supervision.view_alert",
            "supervision.view_receivedevent",
            "supervision.view_finding",
            "supervision.change_finding",
            "supervision.add_supervisioncase",
            "supervision.change_supervisioncase",
            "supervision.view_supervisioncase",
            "supervision.add_thresholdpolicy",
            "supervision.change_thresholdpolicy",
            "supervision.view_thresholdpolicy",
            "supervision.view_auditrecord",
            "supervision.view_checkpoint",
        ),
    ),
    Role(
        "investigator",
        "调查员",
        (
            ACCESS_ADMIN,
            "complaints.view_complaint",
            "complaints.handle_complaint",
            "complaints.view_complaint_statistics",
        ),
    ),
    Role(
        "sms_operator",
        "短信管理员",
        (
            ACCESS_ADMIN,
            "directory.view_cadre",
            "directory.view_department",
            "directory.add_cadregroup",
            "directory.change_cadregroup",
            "directory.view_cadregroup",
            "sms.add_campaign",
            "sms.change_campaign",
            "sms.view_campaign",
            "sms.view_message",
            "sms.view_notice",
            "sms.view_smstemplate",
            "sms.add_smstemplate",
            "sms.change_smstemplate",
            "sms.view_smssignature",
            "sms.add_smssignature",
            "sms.change_smssignature",
            "sms.view_sendinghold",
            "cms.view_warningphrase",
        ),
    ),
)

ROLES_BY_CODE = {role.code: role for role in ROLES}


def role_group(code):
    """The auth Group of the role with this code (KeyError for an unknown code)."""
    from django.contrib.auth.models import Group

    return Group.objects.get(name=ROLES_BY_CODE[code].name)


def has_role(user, code) -> bool:
    """Whether the user belongs to the role's group (one query per request: the user's roles are kept on it)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_role_codes"):
        codes = {role.name: role.code for role in ROLES}
        user._role_codes = {codes[name] for name in user.groups.values_list("name", flat=True) if name in codes}
    return code in user._role_codes


def sync_roles(apps=None):
    """Create every role's group and grant it its permissions. Idempotent; never removes a permission.

    Pass the historical ``apps`` inside a migration. There, a permission whose model the migration state does not
    have yet is skipped: the migration that creates that model's app is expected to call ``sync_roles`` again.
    Outside a migration every permission must resolve, so a typo in ``ROLES`` fails loudly.
    """
    in_migration = apps is not None
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    groups = {}
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        permissions = []
        for label in role.permissions:
            permission = _permission(apps, label, strict=not in_migration)
            if permission is not None:
                permissions.append(permission)
        group.permissions.add(*permissions)
        groups[role.code] = group
    return groups


def _permission(apps, label, strict):
    """The Permission for "app_label.codename", creating it (and its content type) if post_migrate has not yet."""
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    app_label, codename = label.split(".", 1)
    existing = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if existing is not None:
        return existing
    model, name = _model_and_name(apps, app_label, codename)
    if model is None:
        if strict:
            raise LookupError(f"No model of app {app_label!r} defines the permission {codename!r}.")
        return None
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model._meta.model_name)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def _model_and_name(apps, app_label, codename):
    """Which model of the app declares this codename (a default action or Meta.permissions), and its name."""
    try:
        models = list(apps.get_app_config(app_label).get_models())
    except LookupError:
        return None, None
    for model in models:
        opts = model._meta
        for action in getattr(opts, "default_permissions", DEFAULT_ACTIONS):
            if codename == f"{action}_{opts.model_name}":
                # The same name Django's create_permissions gives it, so post_migrate sees nothing to change.
                return model, f"Can {action} {opts.verbose_name_raw}"
        for custom_codename, name in getattr(opts, "permissions", ()):
            if custom_codename == codename:
                return model, str(name)
    return None, None
