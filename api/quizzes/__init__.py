"""Quizzes: the list, playing an attempt, leaderboards and the study record, through quizzes.services.

A question being played (`PlayQuestion`) has no field that could tell the answer: correctness, explanation and
the right options exist only on `ReviewedQuestion`, which the API builds for answered questions alone.

- ``types``: quizzes, the question as played and as reviewed, attempts, leaderboards, the study record.
- ``dataloaders``: the player's standing on each quiz of a list, the answered questions of attempts.
- ``queries`` and ``mutations``: reading, and playing an attempt (start, next, answer, finish).
"""
