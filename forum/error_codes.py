"""Why forum refuses a request: the codes particular to it (the shared ones are in core.error_codes)."""

from enum import StrEnum


class ForumErrorCode(StrEnum):
    FLOOD = "flood"  # the same text posted again within FORUM_FLOOD_SECONDS
    LOCKED = "locked"  # a reply to a locked topic
    NOT_VISIBLE = "not_visible"  # a reply to a topic not published
    RATE_DAY = "rate_day"  # the user's posts for today are used up
    RATE_MINUTE = "rate_minute"  # the user's posts for this minute are used up
    REASON_REQUIRED = "reason_required"  # a rejection without a reason for the author
    TRANSITION = "transition"  # the post's status does not allow this moderation
