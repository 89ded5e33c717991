from api.core.dataloaders import DataLoader, GroupedLoader
from quizzes import selectors, services


def player_cadre(request):
    """The logged-in user's cadre, looked up once per request; None for anonymous users and non-cadres."""
    user = request.user
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_quiz_cadre"):
        user._quiz_cadre = services.cadre_of(user)
    return user._quiz_cadre


class StandingByQuizLoader(DataLoader):
    """The player's standing on each quiz (keys are quizzes): two queries for a list of any length."""

    context_key = "quizzes.standing_by_quiz"

    def batch_load(self, keys):
        found = selectors.standings(keys, player_cadre(self.context))
        return [found.get(quiz.pk, selectors.Standing()) for quiz in keys]


class AnsweredItemsByAttemptLoader(GroupedLoader):
    """The answered questions of each attempt (keys are attempts), each knowing its attempt."""

    context_key = "quizzes.answered_items_by_attempt"

    def group(self, keys):
        grouped = selectors.answered_items(attempt.pk for attempt in keys)
        for attempt in keys:
            for item in grouped.get(attempt.pk, ()):
                item.attempt = attempt
        return {attempt: grouped.get(attempt.pk, []) for attempt in keys}
