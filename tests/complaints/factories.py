"""Complaints as a citizen files them, through the real intake service (its stage and supervision clock included)."""

from complaints import services


def file_complaint(department, description="办理施工许可时，窗口工作人员暗示要请吃饭才给加快办理。", **extra):
    data = {
        "category": "demanding",
        "concerned_department": department,
        "concerned_person": "张某",
        "description": description,
        "is_anonymous": True,
        **extra,
    }
    return services.submit_complaint(data).complaint


def assigned_complaint(department, investigator, **extra):
    """A complaint filed and assigned to this investigator (who assigns it to themself)."""
    complaint = file_complaint(department, **extra)
    services.assign(complaint, by=investigator, investigators=[investigator])
    return complaint
