"""Who may see and act on which applications: window staff by service centre, handlers by department."""

from django.db.models import Q

from directory.models import Cadre
from directory.roles import ROLES_BY_CODE

OVERSEEING_ROLES = ("supervisor",)


def _roles(user):
    if not hasattr(user, "_approvals_roles"):
        names = {ROLES_BY_CODE[code].name: code for code in ROLES_BY_CODE}
        user._approvals_roles = {names[n] for n in user.groups.values_list("name", flat=True) if n in names}
    return user._approvals_roles


def has_role(user, code):
    return user.is_authenticated and code in _roles(user)


def department_of(user):
    """The department of the cadre this login belongs to, or None."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_approvals_department"):
        cadre = Cadre.objects.select_related("department").filter(user=user).first()
        user._approvals_department = cadre.department if cadre else None
    return user._approvals_department


def is_staff_of_centre(user, centre_id):
    if user.is_superuser:
        return True
    department = department_of(user)
    return has_role(user, "window_staff") and department is not None and department.pk == centre_id


def handles_department(user, department_id):
    if user.is_superuser:
        return True
    department = department_of(user)
    return has_role(user, "department_handler") and department is not None and department.pk == department_id


def sees_everything(user):
    return user.is_superuser or any(has_role(user, code) for code in OVERSEEING_ROLES)


def visible_applications_filter(user):
    """A Q on Application: the centre's cases for window staff; for handlers, their steps' cases and their items'."""
    if sees_everything(user):
        return Q()
    department = department_of(user)
    if department is None:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if has_role(user, "window_staff"):
        q |= Q(service_centre=department)
    if has_role(user, "department_handler"):
        # A city department also sees the cases of its items handled at township centres.
        q |= Q(steps__department=department) | Q(item__department=department)
    return q


def can_view_application(user, application):
    if sees_everything(user):
        return True
    department = department_of(user)
    if department is None:
        return False
    if has_role(user, "window_staff") and application.service_centre_id == department.pk:
        return True
    if has_role(user, "department_handler"):
        if application.item.department_id == department.pk:
            return True
        return application.steps.filter(department=department).exists()
    return False


def is_staff_user(user):
    return user.is_authenticated and (
        sees_everything(user) or has_role(user, "window_staff") or has_role(user, "department_handler")
    )
