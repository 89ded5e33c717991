"""PostgreSQL restarting: a persistent connection (CONN_MAX_AGE) killed under the site. Runs on PostgreSQL only."""

import pytest
from django.db import close_old_connections, connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _kill_our_connection():
    """Terminate this test's own server session from a second one, as a server restart does."""
    import psycopg

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_killed_mid_flight_is_a_503_and_the_next_request_reconnects(client, home_page):
    assert client.get("/").status_code == 200
    _kill_our_connection()
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    # What the next request's start does in production (the test client skips it): the broken connection is closed
    # and the next query opens a new one.
    close_old_connections()
    assert client.get("/").status_code == 200
