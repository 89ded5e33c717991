import pytest

# Fakes of outside services (fake_twilio...) and the demo loaded once (tests/demo.py), for every test directory.
pytest_plugins = ["tests.fakes.fixtures", "tests.demo"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: Wagtail caches site root paths that a rolled-back test invalidates, and
    rate limits count in the cache, which the in-process backend keeps across tests."""
    from django.core.cache import cache

    from core.workdays import forget_office_schedule

    cache.clear()
    forget_office_schedule()  # the office's holiday schedule of a rolled-back test is gone too
    yield
    cache.clear()
    forget_office_schedule()


@pytest.fixture(autouse=True)
def _empty_console_outbox():
    """The console SMS gateway keeps what it "sent" in a class-level list: each test starts and ends with it empty."""
    from sms.gateways.console import GatewayBackend

    GatewayBackend.outbox.clear()
    yield
    GatewayBackend.outbox.clear()


@pytest.fixture
def english(client):
    """The test client with English chosen in the language switch: assertions read our English source strings."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def published():
    """Every DomainEvent published during the test, in order (one by one or in batches)."""
    from core.events import domain_event, domain_events

    seen = []

    def receiver(sender, event, **kwargs):
        seen.append(event)

    def batch_receiver(sender, events, **kwargs):
        seen.extend(events)

    domain_event.connect(receiver, weak=False, dispatch_uid="tests.published")
    domain_events.connect(batch_receiver, weak=False, dispatch_uid="tests.published_batch")
    yield seen
    domain_event.disconnect(dispatch_uid="tests.published")
    domain_events.disconnect(dispatch_uid="tests.published_batch")


@pytest.fixture
def home_page(db):
    from cms.services import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def cache_keys():
    """Every key in the configured cache: local memory in the default run, Redis in CI's second run."""
    from django.core.cache import cache

    def keys():
        store = cache._cache
        if hasattr(store, "get_client"):
            return [key.decode() for key in store.get_client(None).keys("*")]
        return [str(key) for key in store]

    return keys
