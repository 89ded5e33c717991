"""Pytest fixtures for fakes of outside services; registered for every test directory in tests/conftest.py."""

import pytest

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
