"""Production's security settings and the Content-Security-Policy header as browsers receive it."""

import json
import re
import subprocess
import sys

import pytest
from django.conf import settings

from config.csp import ELDER_BOOT, INLINE_HANDLERS, INLINE_SCRIPTS

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-0123456789",
    "ALLOWED_HOSTS": "qingfeng.example.cn,www.qingfeng.example.cn",
    "COMPLAINTS_ENCRYPTION_KEYS": "m5fuI5LqOtJbqSv3xSqVWcPqLyVt0l6l9fJ2eSjkgOo=",
    "PATH": "/usr/bin:/bin",
}
NAMES = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_PROXY_SSL_HEADER",
    "USE_X_FORWARDED_HOST",
    "CONTENT_SECURITY_POLICY",
    "PERMISSIONS_POLICY",
]


@pytest.fixture(scope="module")
def production():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(result.stdout)


def test_production_is_https_only_with_hosts_from_the_environment(production):
    assert production["DEBUG"] is False
    assert production["ALLOWED_HOSTS"] == ["qingfeng.example.cn", "www.qingfeng.example.cn"]
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SECURE_SSL_REDIRECT"] and production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["USE_X_FORWARDED_HOST"] is True
    assert "camera=()" in production["PERMISSIONS_POLICY"]


def test_production_policy_allows_no_inline_script_and_no_other_origin(production):
    directives = production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    # 'unsafe-hashes' admits only handlers whose exact code is hashed in the policy.
    # and the scripts of INLINE_SCRIPTS (the 长辈版 boot line, the same on every page, so pages stay cacheable).
    hashes = [v for v in directives["script-src"] if v.startswith("'sha256-")]
    assert len(hashes) == len(INLINE_HANDLERS) + len(INLINE_SCRIPTS)
    assert directives["object-src"] == ["'none'"]
    for values in directives.values():
        # Keywords, data:/blob: and the nonce placeholder (serialised as its repr): never a host.
        assert all(v.startswith("'") or v in ("data:", "blob:", "csp.constants.NONCE") for v in values), values


def _policy(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def test_our_inline_scripts_carry_the_nonce_of_the_header(client, home_page):
    response = client.get("/complaints/new/")
    policy = _policy(response)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    # Every inline script but the 长辈版 boot line (allowed by its hash) carries the nonce.
    scripts = [
        attrs
        for attrs, code in re.findall(rb"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", response.content, flags=re.S)
        if code != ELDER_BOOT.encode()
    ]
    assert scripts and all(f'nonce="{nonce}"'.encode() in attrs for attrs in scripts)
    # A page without inline script sends no nonce at all.
    assert "nonce" not in _policy(client.get("/healthz"))["script-src"]


def test_no_template_of_ours_has_an_inline_script_without_nonce_or_an_inline_handler():
    offenders = []
    templates = [*settings.BASE_DIR.glob("templates/**/*.html"), *settings.BASE_DIR.glob("*/templates/**/*.html")]
    assert len(templates) > 20
    for path in templates:
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        for attrs in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", text):
            if "csp_nonce" not in attrs and "application/json" not in attrs:
                offenders.append(f"{path}: <script{attrs}>")
        # The admin's templates (under admin/) may use handlers: its policy allows inline script.
        for code in re.findall(r"\son(?:click|change|submit|input|load)=\"([^\"]*)\"", text):
            if "/admin/" not in str(path) and code not in INLINE_HANDLERS:
                offenders.append(f"{path}: inline event handler {code}")
    assert offenders == []


def test_the_admin_policy_allows_wagtails_inline_scripts_without_a_nonce(client, db):
    policy = _policy(client.get("/admin/login/"))
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["object-src"] == "'none'"


def test_every_response_carries_the_permissions_policy(client, db):
    assert "geolocation=()" in client.get("/healthz")["Permissions-Policy"]
