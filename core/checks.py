"""``manage.py check`` warns from 1 November while next year's official holiday schedule is unknown."""

from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError


def next_year_schedule(app_configs=None, **kwargs):
    from core.calendar import warn_ahead_year
    from core.models import HolidaySchedule

    try:
        HolidaySchedule.objects.exists()  # a database without our tables (before migrate, a build step): no site yet
        year = warn_ahead_year()
    except DatabaseError:  # no tables yet (before migrate): nothing to say
        return []
    if year is None:
        return []
    return [
        CheckWarning(
            f"The holiday schedule for {year} is not known: deadlines reaching into {year} are provisional.",
            hint=f"Enter it under Settings > Holiday schedule, or: manage.py holiday_schedule import {year} FILE",
            id="core.W001",
        )
    ]
