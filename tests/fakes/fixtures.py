"""Pytest fixtures for fakes of outside services; registered for every test directory in tests/conftest.py."""

import pytest

from tests.fakes.aliyun_server import FakeAliyun, provider_templates
from tests.fakes.s3_server import object_storage, s3_server  # noqa: F401 (fixtures)
from tests.fakes.twilio_server import FakeTwilio


@pytest.fixture
def fake_twilio(settings):
    """A fake Twilio API on 127.0.0.1, with SMS_GATEWAY=twilio and TWILIO_* pointing at it (real SDK, real HTTP)."""
    with FakeTwilio() as fake:
        settings.SMS_GATEWAY = "twilio"
        settings.TWILIO_ACCOUNT_SID = fake.account_sid
        settings.TWILIO_AUTH_TOKEN = fake.auth_token
        settings.TWILIO_FROM = fake.from_number
        settings.TWILIO_BASE_URL = fake.url
        settings.TWILIO_TIMEOUT = 2.0
        yield fake


@pytest.fixture
def fake_aliyun(settings):
    """A fake Alibaba Cloud SMS API on 127.0.0.1, with SMS_GATEWAY=aliyun pointing the official SDK at it."""
    with FakeAliyun() as fake:
        settings.SMS_GATEWAY = "aliyun"
        settings.ALIYUN_SMS_ACCESS_KEY_ID = fake.access_key_id
        settings.ALIYUN_SMS_ACCESS_KEY_SECRET = fake.access_key_secret
        settings.ALIYUN_SMS_ENDPOINT = fake.endpoint
        settings.ALIYUN_SMS_PROTOCOL = "http"
        settings.ALIYUN_SMS_TIMEOUT = 1.0
        settings.ALIYUN_SMS_FALLBACK_TEMPLATE = "SMS_100000001"
        # The system messages' templates, registered with the fake provider as an operator would with Aliyun.
        from sms.system_templates import TEMPLATES

        rows, codes = provider_templates([(t.key, t.name, str(t.kind), t.text) for t in TEMPLATES])
        fake.templates += rows
        settings.SMS_TEMPLATE_CODES = codes
        yield fake
