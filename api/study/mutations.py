import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model

from api.core import errors
from api.study.types import StudyError
from core.error_codes import CommonErrorCode
from study import selectors, video


class VideoWatchResult(graphene.ObjectType):
    ok = graphene.Boolean(required=True)
    errors = graphene.List(graphene.NonNull(StudyError), required=True)
    token = graphene.String(description="Send it with every heartbeat of this viewing")
    video_seconds = graphene.Int()
    credited_seconds = graphene.Float()


def _cadre_or_error(info):
    user = info.context.user
    if not user.is_authenticated:
        return None, errors.unauthenticated()
    cadre = selectors.cadre_of(user)
    if cadre is None:
        return None, errors.error(_("Video study is for registered cadres."), CommonErrorCode.PERMISSION_DENIED)
    return cadre, None


class StartVideoWatch(graphene.Mutation):
    """Begin watching a self-hosted video for study points: answers the token for the heartbeats."""

    class Arguments:
        video_id = graphene.ID(required=True, description="The video file's document id")
        reported_seconds = graphene.Float(description="The player's duration, used when the file does not say")

    Output = VideoWatchResult

    @staticmethod
    def mutate(root, info, video_id, reported_seconds=None):
        cadre, error = _cadre_or_error(info)
        if error:
            return errors.failed(VideoWatchResult, error)
        document = get_document_model().objects.filter(pk=video_id if str(video_id).isdigit() else None).first()
        if document is None:
            return errors.failed(VideoWatchResult, errors.not_found("videoId"))
        try:
            watch = video.start_watch(cadre, document, reported_seconds)
        except ValidationError as exc:
            return errors.failed(VideoWatchResult, *errors.from_validation_error(exc))
        return VideoWatchResult(ok=True, errors=[], token=watch.token, video_seconds=watch.video_seconds,
                                credited_seconds=0)  # fmt: skip


class VideoHeartbeat(graphene.Mutation):
    """Report the playback position of a viewing; the server credits real watching only."""

    class Arguments:
        token = graphene.String(required=True)
        seq = graphene.Int(required=True, description="1, 2, 3 ... per viewing; a number seen before is refused")
        position = graphene.Float(required=True, description="Seconds from the start of the video")

    Output = VideoWatchResult

    @staticmethod
    def mutate(root, info, token, seq, position):
        cadre, error = _cadre_or_error(info)
        if error:
            return errors.failed(VideoWatchResult, error)
        try:
            watch = video.heartbeat(cadre, token, seq, position)
        except ValidationError as exc:
            return errors.failed(VideoWatchResult, *errors.from_validation_error(exc))
        return VideoWatchResult(ok=True, errors=[], token=watch.token, video_seconds=watch.video_seconds,
                                credited_seconds=watch.credited_seconds)  # fmt: skip


class StudyMutation(graphene.ObjectType):
    start_video_watch = StartVideoWatch.Field()
    video_heartbeat = VideoHeartbeat.Field()
