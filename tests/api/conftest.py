import json

import pytest
from django.test import Client


@pytest.fixture
def gql(client):
    """POST a query to /graphql/ (the test client skips CSRF checks; tests/api/test_csrf.py covers them)."""

    def run(query, variables=None, client_=None, expect=200):
        response = (client_ or client).post(
            "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
        )
        assert response.status_code == expect, response.content
        return response.json()

    return run


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)
