"""Video study by watch time (视听学习): the app and the site send heartbeats while a self-hosted video plays.

``start_watch`` issues a random token for one viewing and fixes the video's length (read from the MP4 file's
``mvhd`` box; for another format the player's figure, which wall-clock time still bounds). Each ``heartbeat``
carries the token, a sequence number and the playback position. The server credits the seconds the position
advanced, but never more than the wall-clock time since the previous heartbeat (plus a little slack), and never more
in all than the video's length: a skip ahead earns nothing, and a forged or replayed heartbeat (unknown token,
another cadre's token, a sequence number already seen) is refused. Each whole minute of a video is credited to the
ledger once per cadre (the video rule's points per minute, within its daily cap), however often it is watched.
"""

from __future__ import annotations

import datetime
import secrets
import struct

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.error_codes import CommonErrorCode
from core.points import PointSource, earn
from directory.models import Cadre
from study import assignments
from study.error_codes import StudyErrorCode
from study.models import VideoWatch

REFUSED = StudyErrorCode.HEARTBEAT_REFUSED
SLACK_SECONDS = 2.0  # network jitter between two heartbeats
MAX_VIDEO_SECONDS = 4 * 3600


def mp4_seconds(stream) -> int | None:
    """The duration in an MP4 file's movie header (moov/mvhd), or None if it has none."""

    def boxes(end):
        while stream.tell() + 8 <= end:
            start = stream.tell()
            head = stream.read(8)
            if len(head) < 8:
                return
            size, kind = struct.unpack(">I4s", head)
            if size == 1:
                size = struct.unpack(">Q", stream.read(8))[0]
            elif size == 0:
                size = end - start
            if size < 8:
                return
            yield kind, start, start + size
            stream.seek(start + size)

    try:
        stream.seek(0, 2)
        total = stream.tell()
        stream.seek(0)
        for kind, start, end in boxes(total):
            if kind != b"moov":
                continue
            stream.seek(start + 8)
            for inner, inner_start, _inner_end in boxes(end):
                if inner == b"mvhd":
                    stream.seek(inner_start + 8)
                    version = stream.read(1)[0]
                    stream.read(3)
                    if version == 1:
                        _c, _m, scale, duration = struct.unpack(">QQIQ", stream.read(28))
                    else:
                        _c, _m, scale, duration = struct.unpack(">IIII", stream.read(16))
                    return round(duration / scale) if scale else None
    except (OSError, struct.error, IndexError):
        return None
    return None


def video_seconds(document, reported: float | None = None) -> int:
    """The video's length: from the file when it says, else the player's figure; refused when neither is sane."""
    seconds = None
    try:
        with document.file.open("rb") as stream:
            seconds = mp4_seconds(stream)
    except (OSError, ValueError):
        seconds = None
    if seconds is None and reported is not None and 0 < reported <= MAX_VIDEO_SECONDS:
        seconds = round(reported)
    if not seconds:
        raise ValidationError(_("This video's length is unknown."), code=CommonErrorCode.INVALID)
    return seconds


def start_watch(cadre: Cadre, document, reported_seconds: float | None = None, now=None) -> VideoWatch:
    """Begin one viewing: the token the player sends with every heartbeat."""
    now = now or timezone.now()
    return VideoWatch.objects.create(
        cadre=cadre,
        video=document,
        token=secrets.token_urlsafe(32),
        video_seconds=video_seconds(document, reported_seconds),
        started_at=now,
        last_beat_at=now,
    )


def heartbeat(cadre: Cadre, token: str, seq: int, position: float, now: datetime.datetime | None = None) -> VideoWatch:
    """Record a heartbeat; returns the viewing with the seconds credited so far. Refuses forged or replayed ones."""
    now = now or timezone.now()
    with transaction.atomic():
        watch = VideoWatch.objects.select_for_update().filter(token=token).first()
        if watch is None or watch.cadre_id != cadre.pk:
            raise ValidationError(_("This viewing is unknown."), code=REFUSED)
        if seq <= watch.last_seq:
            raise ValidationError(
                _("This progress report was already received."), code=StudyErrorCode.HEARTBEAT_REFUSED
            )
        if not 0 <= position <= watch.video_seconds + SLACK_SECONDS:
            raise ValidationError(_("The position is outside the video."), code=REFUSED)
        wall = max((now - watch.last_beat_at).total_seconds(), 0) + SLACK_SECONDS
        advanced = position - watch.last_position
        # Watching: the position moved forward no faster than the clock. A jump ahead or back earns nothing.
        earned = advanced if 0 < advanced <= wall else 0.0
        before = watch.credited_seconds
        watch.credited_seconds = min(before + earned, float(watch.video_seconds))
        watch.last_seq, watch.last_position, watch.last_beat_at = seq, position, now
        watch.save(update_fields=["credited_seconds", "last_seq", "last_position", "last_beat_at"])
        minutes = range(int(before // 60), int(watch.credited_seconds // 60))
        if earned and not minutes:
            # Watch time counts towards the cadre's tasks (a video page) even between two whole minutes; a
            # credited minute refreshes them through the ledger's receiver.
            assignments.on_activity(cadre.pk, now)
        for minute in minutes:
            earn(
                source=PointSource.VIDEO,
                key=f"video:{watch.video_id}:{minute}",
                cadre_id=cadre.pk,
                day=timezone.localdate(now),
                points=1,
                at=now,
            )
    return watch
