"""Test settings: pytest uses these (pytest.ini)."""

import tempfile

from .base import *  # noqa: F403
from .base import Q_CLUSTER

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789-abcdefghijklmnopq"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage 404s hashed admin CSS under live_server.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "core.storage.LocalPrivateStorage"},
    "audit": {"BACKEND": "core.storage.LocalCheckpointStorage"},
}
# The audit check reads every checkpoint file in the directory: never a developer's own from manage.py runs.
SUPERVISION_CHECKPOINT_DIR = tempfile.mkdtemp(prefix="qingfeng-test-checkpoints-")
# Conf reads Q_CLUSTER once at import, so sync mode is set here rather than per test.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
WAGTAILADMIN_BASE_URL = "http://testserver"
# No collectstatic in tests: WhiteNoise serves from the finders instead of scanning STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Each test forgets the office's holiday schedule (tests/conftest.py): within a test, one read is enough, however
# slow the machine, so query counts do not depend on timing.
WORKDAYS_OFFICE_TTL = 3600.0

# Campaign texts in tests are compared whole; the tests of the opt-out line (tests/sms/test_system_templates.py,
# the operator-tools journey) set it.
SMS_OPT_OUT_LINE = ""

# The public page cache is on only in its own tests (tests/core/test_pagecache.py): elsewhere a test that changes
# rows without the signals a real edit sends would read yesterday's page.
PAGE_CACHE_SECONDS = 0
