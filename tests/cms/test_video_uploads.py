from django.conf import settings

from cms.blocks import VIDEO_EXTENSIONS


def test_editors_may_upload_every_video_file_the_video_block_accepts():
    assert {extension.lstrip(".") for extension in VIDEO_EXTENSIONS} <= set(settings.WAGTAILDOCS_EXTENSIONS)
