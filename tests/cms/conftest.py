"""Fixtures shared by the cms tests."""

import pytest

from directory.roles import role_group


@pytest.fixture
def people(home_page, django_user_model):
    """An editor, a reviewer and one person with both roles (a test file may define its own `people`)."""

    def person(username, *roles):
        user = django_user_model.objects.create_user(username, password="pw-清风-2026")
        user.groups.add(*(role_group(role) for role in roles))
        return user

    return {
        "editor": person("editor", "editor"),
        "reviewer": person("reviewer", "reviewer"),
        "both": person("both", "editor", "reviewer"),
    }
