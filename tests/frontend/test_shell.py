import gzip
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

# Every module the app may load (views are imported on demand, counted anyway) plus the site's CSS.
APP_DIR = Path(finders.find("frontend/app.js")).parent
SHELL_ASSETS = [*sorted(p for p in APP_DIR.rglob("*.js") if p.name != "sw.js"), *APP_DIR.glob("*.css")]
SHELL_ASSETS.append(Path(finders.find("css/site.css")))


def test_every_app_path_gets_the_shell_and_the_token_comes_from_the_api(client):
    for url in ("/app/", "/app/search", "/app/cases/some-case/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b'type="module"' in response.content
        # No cookie, so that the shell can be cached (core/pagecache.py): api.js asks /api/csrf/ before a POST.
        assert not response.cookies
    token = client.get("/api/csrf/")
    assert "csrftoken" in token.cookies and token.json()["csrfToken"]


def test_manifest_is_served_as_a_web_manifest(client):
    response = client.get("/app/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert response.json()["name"] == "清风"
    sizes = {icon["sizes"] for icon in response.json()["icons"]}
    assert sizes == {"192x192", "512x512"}


def test_service_worker_is_javascript_scoped_to_the_app(client):
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/app/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_first_load_of_the_shell_is_under_100_kb_compressed(client):
    html = client.get("/app/").content
    total = len(gzip.compress(html))
    for asset in SHELL_ASSETS:
        total += len(gzip.compress(asset.read_bytes()))
    assert total < 100 * 1024, f"shell is {total / 1024:.1f} KB compressed"
