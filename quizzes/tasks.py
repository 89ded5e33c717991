"""django-q2 tasks of the quiz app: thin, each calls a service."""

from core.schedules import Every


def expire_attempts():
    from quizzes.services import expire_stale_attempts

    return expire_stale_attempts()


SCHEDULES = [Every("quizzes.expire_attempts", "quizzes.tasks.expire_attempts", minutes=5)]
