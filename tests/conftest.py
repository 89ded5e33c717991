import pytest


@pytest.fixture
def home_page(db):
    from cms.services import ensure_home_page

    return ensure_home_page()
