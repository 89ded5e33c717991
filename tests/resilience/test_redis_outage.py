"""Redis stopped: what does not need it keeps working, and each rate limit does what core/ratelimit.py says."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from api.core import security
from complaints import services as complaints
from complaints.models import Complaint
from forum import services as forum
from sms import codes, notices
from sms.models import Message, Notice
from tests.complaints.conftest import cleaned, form_data
from tests.resilience.conftest import broker_down

pytestmark = pytest.mark.django_db


def test_pages_render_from_the_database_while_redis_is_down(client, home_page, redis_down):
    """Wagtail's site paths and our page fragments live in the default cache, which misses instead of failing."""
    response = client.get("/")
    assert response.status_code == 200
    assert client.get(reverse("complaints:new")).status_code == 200


def test_a_complaint_filed_while_redis_is_down_is_kept_once_and_its_sms_leaves_later(
    client, city, redis_down, django_capture_on_commit_callbacks
):
    """Redis stopped is the broker and the cache at once: the limits fail open, the SMS waits for the sweep."""
    data = form_data(city, is_anonymous="0", name="陈小明", phone="13912345678")
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("complaints:new"), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["ok"] is True
    assert Complaint.objects.count() == 1
    notice = Notice.objects.get()
    assert notice.status == Notice.Status.PENDING
    notices.sweep()
    notices.sweep()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and Message.objects.count() == 1


def test_receipt_look_ups_fail_closed_with_a_503(client, city, redis_down):
    """Without its counters nothing would stop receipt guessing: 'try again later', not an open door."""
    response = client.post(reverse("complaints:follow"), {"reference": "TS20261126000001", "receipt": "1234"})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    with pytest.raises(RedisConnectionError):
        complaints.find_by_receipt("TS20261126000001", "1234-5678-9012-3456", source="s")


def test_sms_login_codes_fail_closed(redis_down):
    with pytest.raises(RedisConnectionError):
        codes._check_ip_limits("203.0.113.9", codes.timezone.now())


def test_forum_posts_and_graphql_mutations_fail_open(redis_down, caplog):
    user = get_user_model().objects.create_user("cadre", password="x")
    forum.take_post_slot(user)  # no ValidationError, no ConnectionError
    request = RequestFactory().post("/graphql/", REMOTE_ADDR="203.0.113.9")
    request.user = user
    assert security.allow_mutation(request, "createPost") is True
    assert "failing open" in caplog.text


def test_the_limits_still_count_when_redis_is_up(city, settings):
    settings.COMPLAINTS_SUBMISSIONS_PER_HOUR = 1
    complaints.submit_complaint(cleaned(city), (), source="same")
    with pytest.raises(ValidationError):
        complaints.submit_complaint(cleaned(city), (), source="same")
