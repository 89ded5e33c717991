import pytest
from wagtail.models import Page, Site

from cms.models import HomePage
from cms.services import ensure_home_page


@pytest.mark.django_db
def test_home_page_replaces_wagtails_welcome_page_and_is_idempotent(client):
    first = ensure_home_page()
    second = ensure_home_page()
    assert first.pk == second.pk
    assert HomePage.objects.count() == 1
    assert Site.objects.get(is_default_site=True).root_page_id == first.pk
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    assert first.url == "/"
    response = client.get("/")
    assert response.status_code == 200
    assert "网络投诉" in response.content.decode()


@pytest.mark.django_db
def test_home_page_is_rebuilt_after_the_tables_were_flushed():
    Site.objects.all().delete()
    Page.objects.all().delete()
    home = ensure_home_page()
    assert home.live and home.url == "/"
