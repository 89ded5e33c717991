"""The ``idempotencyKey`` argument every creating mutation takes (core/idempotency.py)."""

import graphene


def idempotency_key_argument():
    return graphene.String(
        description=(
            "16 to 100 letters, digits, - or _, new for each submission and the same on its retries: a retry returns "
            "the first result instead of creating another. The Idempotency-Key header does the same."
        )
    )
