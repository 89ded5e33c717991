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


@pytest.mark.django_db
def test_the_platform_tiles_and_the_header_lead_to_every_platform_and_the_app(client):
    import re

    ensure_home_page()
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    tiles = dict(re.findall(r'<a class="platform (\w+)" href="([^"]+)"', html))
    assert tiles == {
        "approval": "/approvals/",
        "supervision": "/admin/supervision/",
        "complaints": "/complaints/",
        "education": "#education",
    }
    assert 'class="app-banner" href="/app/"' in html
    header = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group()
    for href in ("/approvals/", "/complaints/", "/#education", "/app/", "/accounts/phone/?next=/"):
        assert f'href="{href}"' in header
    # Every public page has the same header, the forum's and the approvals' included.
    assert 'href="/app/"' in client.get("/approvals/").content.decode()
