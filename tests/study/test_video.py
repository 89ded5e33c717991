import datetime
import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from study import video
from study.error_codes import StudyErrorCode
from study.models import PointsEntry
from tests.directory.factories import CadreFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 12, 2, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai


def box(kind, payload):
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(seconds):
    mvhd = box(b"mvhd", b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + b"\x00" * 80)
    return box(b"ftyp", b"isom\x00\x00\x02\x00") + box(b"moov", mvhd) + box(b"mdat", b"\x00" * 16)


@pytest.fixture
def clip():
    document = get_document_model()(title="警示教育片")
    document.file.save("warning.mp4", ContentFile(mp4(300)), save=True)
    return document


@pytest.fixture
def cadre():
    return CadreFactory()


def beat(cadre, watch, seq, position, after):
    return video.heartbeat(cadre, watch.token, seq, position, now=T0 + datetime.timedelta(seconds=after))


def test_the_length_comes_from_the_mp4_file_not_from_the_player(cadre, clip):
    watch = video.start_watch(cadre, clip, reported_seconds=99999, now=T0)
    assert watch.video_seconds == 300


def test_watching_earns_a_point_a_minute_and_never_more_than_the_clock_or_the_length(cadre, clip):
    watch = video.start_watch(cadre, clip, now=T0)
    for n in range(1, 7):  # six heartbeats, 30 s apart, 30 s of video each: 3 minutes
        watch = beat(cadre, watch, n, 30 * n, 30 * n)
    assert watch.credited_seconds == 180
    assert PointsEntry.objects.filter(cadre=cadre, source="video").count() == 3
    # 10 seconds of clock but the position says 100 seconds later: a skip earns nothing
    watch = beat(cadre, watch, 7, 280, 190)
    assert watch.credited_seconds == 180
    # from there, playing on to the end earns up to the video's length only
    watch = beat(cadre, watch, 8, 300, 210)
    assert watch.credited_seconds == 200
    assert PointsEntry.objects.filter(cadre=cadre, source="video").count() == 3


def test_forged_and_replayed_heartbeats_are_refused(cadre, clip):
    watch = video.start_watch(cadre, clip, now=T0)
    beat(cadre, watch, 1, 20, 20)
    for seq, token, who, position in (
        (1, watch.token, cadre, 40),  # replayed sequence number
        (2, "forged-token", cadre, 40),  # a token the server never issued
        (2, watch.token, CadreFactory(), 40),  # another cadre's viewing
        (2, watch.token, cadre, 9999),  # outside the video
    ):
        with pytest.raises(ValidationError) as refused:
            video.heartbeat(who, token, seq, position, now=T0 + datetime.timedelta(seconds=40))
        assert refused.value.error_list[0].code == StudyErrorCode.HEARTBEAT_REFUSED
    watch.refresh_from_db()
    assert watch.credited_seconds == 20 and watch.last_seq == 1


def test_watching_the_same_minutes_again_earns_nothing_more(cadre, clip):
    for _ in range(2):
        watch = video.start_watch(cadre, clip, now=T0)
        for n in range(1, 5):
            watch = beat(cadre, watch, n, 30 * n, 30 * n)
    assert PointsEntry.objects.filter(cadre=cadre, source="video").count() == 2


def test_the_api_starts_a_viewing_and_takes_heartbeats(client, django_user_model, clip, gql):
    user = django_user_model.objects.create_user("c")
    CadreFactory(user=user)
    client.force_login(user)
    start = gql(
        "mutation($v: ID!) { startVideoWatch(videoId: $v) { ok token videoSeconds errors { code } } }", {"v": clip.pk}
    )["data"]["startVideoWatch"]
    assert start["ok"] and start["videoSeconds"] == 300
    query = """mutation($t: String!, $s: Int!, $p: Float!) { videoHeartbeat(token: $t, seq: $s, position: $p) {
      ok creditedSeconds errors { code message } } }"""
    first = gql(query, {"t": start["token"], "s": 1, "p": 1.0})["data"]["videoHeartbeat"]
    assert first["ok"]
    again = gql(query, {"t": start["token"], "s": 1, "p": 2.0})["data"]["videoHeartbeat"]
    assert not again["ok"] and again["errors"][0]["code"] == "HEARTBEAT_REFUSED"
    client.logout()
    assert gql(query, {"t": start["token"], "s": 2, "p": 3.0})["data"]["videoHeartbeat"]["errors"][0]["code"] == (
        "UNAUTHENTICATED"
    )
