import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.utils import timezone

from core.error_codes import CommonErrorCode
from sms import codes
from sms.codes import CodeError, request_code, verify_code
from sms.error_codes import SmsErrorCode
from sms.models import Message, MessageKind, OneTimeCode
from tests.directory.factories import CadreFactory

PHONE = "+8613900000001"
UNKNOWN = "+8613900000999"


@pytest.fixture
def cadre(db):
    return CadreFactory(phone=PHONE)


def sent_code(phone=PHONE):
    """The code as the cadre read it in the SMS (the database only has its hash)."""
    body = Message.objects.filter(phone=phone, kind=MessageKind.CODE).latest("created_at").body
    return "".join(ch for ch in body if ch.isdigit())[:6]


@pytest.mark.django_db
def test_a_cadre_gets_a_six_digit_code_and_only_its_hash_is_stored(cadre):
    result = request_code("139 0000 0001", "198.51.100.7")
    assert result.phone == PHONE and result.expires_in == 300
    code = sent_code()
    assert len(code) == 6 and code.isdigit()
    row = OneTimeCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert abs((row.expires_at - row.created_at) - timedelta(minutes=5)) < timedelta(seconds=2)
    assert verify_code(PHONE, code) == cadre


@pytest.mark.django_db
def test_a_citizens_number_gets_the_same_answer_and_a_code_that_proves_the_phone(cadre):
    known = request_code(PHONE, "198.51.100.7")
    unknown = request_code(UNKNOWN, "198.51.100.8")
    assert (known.expires_in, known.resend_after) == (unknown.expires_in, unknown.resend_after)
    # Citizens log in too (我的): their number is texted a code that works, and no cadre comes with it.
    assert verify_code(UNKNOWN, sent_code(UNKNOWN)) is None
    # Counted the same, so the rate limit does not tell registered numbers apart either.
    with pytest.raises(CodeError) as known_limit:
        request_code(PHONE, "198.51.100.7")
    with pytest.raises(CodeError) as unknown_limit:
        request_code(UNKNOWN, "198.51.100.8")
    assert known_limit.value.code == unknown_limit.value.code == CommonErrorCode.RATE_LIMITED


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["12345", "abc", "+14155550100", "010 6512 3456", ""])
def test_a_bad_number_is_refused_with_a_chinese_message(bad):
    with pytest.raises(CodeError) as error:
        request_code(bad, "198.51.100.7")
    assert error.value.code == SmsErrorCode.INVALID_PHONE
    assert not OneTimeCode.objects.exists()


@pytest.mark.django_db
def test_an_expired_code_is_refused(cadre):
    request_code(PHONE, "198.51.100.7")
    code = sent_code()
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(CodeError) as error:
        verify_code(PHONE, code)
    assert error.value.code == SmsErrorCode.INVALID_CODE


@pytest.mark.django_db
def test_a_code_works_once(cadre):
    request_code(PHONE, "198.51.100.7")
    code = sent_code()
    assert verify_code(PHONE, code) == cadre
    with pytest.raises(CodeError):
        verify_code(PHONE, code)


@pytest.mark.django_db
def test_five_wrong_attempts_kill_the_code(cadre):
    request_code(PHONE, "198.51.100.7")
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(4):
        with pytest.raises(CodeError) as error:
            verify_code(PHONE, wrong)
        assert error.value.code == SmsErrorCode.INVALID_CODE
    with pytest.raises(CodeError) as error:
        verify_code(PHONE, wrong)
    assert error.value.code == SmsErrorCode.TOO_MANY_ATTEMPTS
    with pytest.raises(CodeError) as error:
        verify_code(PHONE, code)  # the right code, too late
    assert error.value.code == SmsErrorCode.TOO_MANY_ATTEMPTS
    assert OneTimeCode.objects.get().attempts == 5


@pytest.mark.django_db
def test_a_new_code_replaces_the_previous_one(cadre):
    request_code(PHONE, "198.51.100.7")
    first = sent_code()
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    request_code(PHONE, "198.51.100.7")
    second = sent_code()
    if first != second:
        with pytest.raises(CodeError):
            verify_code(PHONE, first)
    assert verify_code(PHONE, second) == cadre


def _age_codes(minutes):
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=minutes))


@pytest.mark.django_db
def test_number_limits_one_a_minute_five_an_hour_ten_a_day(cadre):
    request_code(PHONE, "198.51.100.1")
    with pytest.raises(CodeError) as error:
        request_code(PHONE, "198.51.100.2")
    assert error.value.code == CommonErrorCode.RATE_LIMITED and 0 < error.value.retry_after <= 61
    for _i in range(4):
        _age_codes(2)  # older than a minute, inside the hour
        request_code(PHONE, "198.51.100.1")
    _age_codes(2)
    with pytest.raises(CodeError) as error:
        request_code(PHONE, "198.51.100.1")
    assert 60 < error.value.retry_after <= 3600
    for _i in range(5):
        _age_codes(61)  # out of the hour, inside the day
        request_code(PHONE, "198.51.100.1")
    _age_codes(61)
    with pytest.raises(CodeError) as error:
        request_code(PHONE, "198.51.100.1")
    assert error.value.retry_after > 3600
    assert OneTimeCode.objects.count() == 10


@pytest.mark.django_db
def test_the_rate_limit_message_says_how_long_to_wait(cadre):
    request_code(PHONE, "198.51.100.1")
    with pytest.raises(CodeError) as error:
        request_code(PHONE, "198.51.100.1")
    assert any(ch.isdigit() for ch in error.value.message)


@pytest.mark.django_db
def test_ip_limit_counts_in_the_cache_and_never_stores_the_address(monkeypatch, cadre, cache_keys):
    monkeypatch.setattr(codes, "IP_LIMITS", ((timedelta(hours=1), 3),))
    for n in range(3):
        request_code(f"+861390000{n:04d}", "203.0.113.50")
    with pytest.raises(CodeError) as error:
        request_code("+8613900009000", "203.0.113.50")
    assert error.value.code == CommonErrorCode.RATE_LIMITED
    request_code("+8613900009000", "203.0.113.51")  # another address is not affected
    assert cache_keys() and not any("203.0.113" in key for key in cache_keys())
    assert not any("203.0.113" in str(v) for row in OneTimeCode.objects.values() for v in row.values())


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_verifications_cannot_both_succeed():
    CadreFactory(phone=PHONE)
    request_code(PHONE, "198.51.100.7")
    code = sent_code()
    results, barrier = [], threading.Barrier(4)

    def verify():
        try:
            barrier.wait()
            results.append(verify_code(PHONE, code))
        except Exception as error:  # noqa: BLE001 - a refused or locked-out attempt both count as "not in"
            results.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=verify) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    successes = [r for r in results if not isinstance(r, Exception)]
    assert len(successes) == 1, results
