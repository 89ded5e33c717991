"""core.client: the client behind trusted proxies, for every address-keyed rate limit."""

import pytest
from django.test import RequestFactory

from core.client import client_address


@pytest.fixture
def trusted(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "fd00::/8"]
    return settings


def _request(peer, forwarded=None):
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("10.0.0.5", "1.2.3.4")) == "10.0.0.5"


def test_from_a_trusted_proxy_the_right_most_untrusted_address_counts(trusted):
    assert client_address(_request("10.0.0.5", "203.0.113.9")) == "203.0.113.9"
    # The client wrote "6.6.6.6" itself; nginx appended the address it saw.
    assert client_address(_request("10.0.0.5", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    # Two trusted hops (a load balancer in the trusted range, then nginx).
    assert client_address(_request("10.0.0.5", "6.6.6.6, 203.0.113.9, 10.0.0.7")) == "203.0.113.9"
    assert client_address(_request("fd00::1", "2001:db8::5")) == "2001:db8::5"


def test_an_untrusted_peer_cannot_forge_its_address(trusted):
    assert client_address(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_garbage_in_the_chain_stops_at_the_last_vouched_address(trusted):
    assert client_address(_request("10.0.0.5", "not-an-ip")) == "10.0.0.5"
    assert client_address(_request("10.0.0.5", "")) == "10.0.0.5"
    assert client_address(_request("10.0.0.5", "203.0.113.9:4711")) == "203.0.113.9"
