import uuid
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from core import idempotency
from core.models import IdempotencyKey
from core.tasks import SCHEDULES
from directory.models import Department, DepartmentKind

pytestmark = pytest.mark.django_db


def _make(name):
    return lambda: Department.objects.create(code=name, name=name, kind=DepartmentKind.BUREAU)


def test_once_creates_once_per_scope_owner_and_key():
    key = uuid.uuid4().hex
    first = idempotency.once("test.scope", key, _make("A"), model=Department)
    assert idempotency.once("test.scope", key, _make("B"), model=Department) == first
    other_owner = idempotency.once("test.scope", key, _make("C"), owner="user:2", model=Department)
    other_scope = idempotency.once("test.other", key, _make("D"), model=Department)
    assert len({first.pk, other_owner.pk, other_scope.pk}) == 3
    assert idempotency.once("test.scope", "", _make("E"), model=Department).code == "E"  # no key: no protection
    assert Department.objects.count() == 4


def test_a_failed_creation_releases_the_key():
    key = uuid.uuid4().hex

    def boom():
        _make("X")()
        raise ValueError("refused")

    with pytest.raises(ValueError):
        idempotency.once("test.scope", key, boom, model=Department)
    assert not IdempotencyKey.objects.exists() and not Department.objects.exists()
    assert idempotency.once("test.scope", key, _make("Y"), model=Department).code == "Y"


def test_keys_must_look_like_keys():
    assert idempotency.valid_key(uuid.uuid4().hex)
    assert idempotency.valid_key(str(uuid.uuid4()))
    for bad in ("", "1", "short-key", "x" * 101, "a b c d e f g h i j", "<script>alert(1)</script>"):
        assert idempotency.valid_key(bad) == ""
    request = RequestFactory().post("/", {"idempotency_key": "k" * 20}, HTTP_IDEMPOTENCY_KEY="h" * 20)
    assert idempotency.key_from(request) == "k" * 20
    assert idempotency.key_from(RequestFactory().post("/", HTTP_IDEMPOTENCY_KEY="h" * 20)) == "h" * 20
    assert idempotency.key_from(request, "e" * 20) == "e" * 20


def test_sealed_secrets_open_only_with_the_key_and_expire(settings):
    key = uuid.uuid4().hex
    token = idempotency.Vault(key).seal("123456")
    assert "123456" not in token
    assert idempotency.Vault(key).open(token) == "123456"
    assert idempotency.Vault(uuid.uuid4().hex).open(token) == ""
    secret = settings.SECRET_KEY
    settings.SECRET_KEY = "another server"
    assert idempotency.Vault(key).open(token) == ""  # the key alone does not open it either
    settings.SECRET_KEY, settings.IDEMPOTENCY_SECRET_SECONDS = secret, -1
    assert idempotency.Vault(key).open(token) == ""  # past its time (Fernet's ttl)


def test_the_schedule_blanks_old_secrets_and_deletes_old_keys(settings):
    key = uuid.uuid4().hex
    idempotency.once(
        "test.scope",
        key,
        _make("S"),
        remember=lambda obj, vault: {"pk": obj.pk, "secret": vault.seal("s")},
        recall=lambda data, vault: data,
    )
    later = timezone.now() + timedelta(seconds=settings.IDEMPOTENCY_SECRET_SECONDS + 1)
    assert idempotency.purge_expired(now=later) == 0
    assert "secret" not in IdempotencyKey.objects.get().result
    assert idempotency.purge_expired(now=later + timedelta(hours=settings.RETENTION_IDEMPOTENCY_HOURS)) == 1
    assert "core.purge_idempotency_keys" in {schedule.name for schedule in SCHEDULES}


def test_the_form_field_is_new_per_page_and_kept_on_a_refused_post():
    template = Template("{% load idempotency %}{% idempotency_field %}")
    get = RequestFactory().get("/")
    first, second = (template.render(Context({"request": get})) for _i in range(2))
    assert first != second and 'type="hidden" name="idempotency_key"' in first
    posted = RequestFactory().post("/", {"idempotency_key": "p" * 32})
    assert 'value="' + "p" * 32 + '"' in template.render(Context({"request": posted}))


def test_a_resend_after_the_first_result_was_deleted_creates_it_again():
    key = uuid.uuid4().hex
    idempotency.once("test.scope", key, _make("G"), model=Department).delete()
    assert idempotency.once("test.scope", key, _make("H"), model=Department).code == "H"
    assert IdempotencyKey.objects.count() == 1
