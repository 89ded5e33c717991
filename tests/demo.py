"""The demo, loaded once per test run for the tests that read it (fixture ``demo``).

Loading the whole demo takes 30-50 s; a dozen tests used to load it each, most of them twice to show that a
second run changes nothing. Now one session fixture runs ``manage.py load_demo`` twice inside one transaction,
keeps what the tests compare (the command's outputs, the first run's passwords, the events published, and every
registered ``@demo_snapshot`` taken after the first run) and rolls it all back at the end of the session. Each
test that uses ``demo`` runs in its own savepoint on top of it (pytest-django's ``db``), so a test may change the
demo and the next one sees it as loaded.

The demo stays in the database until the session ends, so the tests that use it are moved to the end of the run
(``pytest_collection_modifyitems`` below): no other test ever sees a demo it did not ask for.
"""

import io
from dataclasses import dataclass, field

import pytest

_snapshots = {}


def demo_snapshot(func):
    """Register a function whose value after the first demo run ``demo.first[func.__name__]`` holds."""
    _snapshots[func.__name__] = func
    return func


@dataclass
class LoadedDemo:
    first: dict  # snapshot name -> value after the first run
    outputs: list  # what `manage.py load_demo` printed, per run
    passwords: dict  # the demo logins' passwords (first run)
    published: list = field(default_factory=list)  # every DomainEvent both runs published


def _quietly_capture_runs(runs):
    from directory.management.commands import load_demo as command

    original = command.load_demo

    def capture(**kwargs):
        runs.append(original(**kwargs))
        return runs[-1]

    command.load_demo = capture
    return lambda: setattr(command, "load_demo", original)


@pytest.fixture(scope="session")
def demo_session(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    from core.events import domain_event

    published, runs, outputs = [], [], []

    def receiver(sender, event, **kwargs):
        published.append(event)

    media = tmp_path_factory.mktemp("demo-media")
    # SMS quiet hours off: the demo may be loaded at night, and its sent campaign is what the SMS tests read.
    settings = override_settings(MEDIA_ROOT=str(media), SMS_QUIET_HOURS="")
    with settings, django_db_blocker.unblock(), transaction.atomic():
        domain_event.connect(receiver, weak=False, dispatch_uid="tests.demo")
        restore = _quietly_capture_runs(runs)
        try:
            for _run in range(2):
                out = io.StringIO()
                call_command("load_demo", stdout=out)
                outputs.append(out.getvalue())
                if len(outputs) == 1:
                    first = {name: snapshot() for name, snapshot in _snapshots.items()}
        finally:
            restore()
            domain_event.disconnect(dispatch_uid="tests.demo")
        yield LoadedDemo(first=first, outputs=outputs, passwords=runs[0].passwords, published=published)
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_session, db, settings, tmp_path_factory):
    """The demo as loaded (see the module docstring); changes a test makes are rolled back after it."""
    settings.SMS_QUIET_HOURS = ""
    return demo_session


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that use the demo last (after pytest-django's own ordering), so the loaded demo meets no other test."""
    uses = [item for item in items if "demo" in getattr(item, "fixturenames", ())]
    if uses:
        others = [item for item in items if "demo" not in getattr(item, "fixturenames", ())]
        items[:] = others + uses
