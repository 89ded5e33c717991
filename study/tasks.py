"""django-q2 tasks of the study app: thin, each calls a service."""

from core.schedules import Every


def send_reminders():
    from study.reminders import send_reminders

    return send_reminders()


SCHEDULES = [Every("study.remind", "study.tasks.send_reminders", minutes=30)]
