"""Behind the TLS-terminating proxy: Twilio signs the public https URL, Django sees http://web:8000 plus headers."""

import pytest
from twilio.request_validator import RequestValidator

TOKEN = "proxy-test-auth-token"
PUBLIC = "https://qingfeng.example.cn"
PATH = "/sms/webhooks/twilio/inbound/"
# A payload the webhook understands as "nothing to do": accepted (200) once the signature checks out.
PARAMS = {"Nothing": "here"}


@pytest.fixture
def production_proxy(settings, db):
    # The values of config/settings/production.py that decide what URL a request believes it was sent to.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["qingfeng.example.cn"]
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SMS_WEBHOOK_BASE_URL = ""
    return settings


def _sign(url, params=PARAMS):
    return RequestValidator(TOKEN).compute_signature(url, params)


def _post(client, path, signature, **headers):
    return client.post(
        path,
        PARAMS,
        HTTP_HOST="web:8000",
        HTTP_X_TWILIO_SIGNATURE=signature,
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
    )


def test_the_public_url_signature_is_accepted_through_the_proxy(client, production_proxy):
    response = _post(
        client,
        PATH,
        _sign(PUBLIC + PATH),
        x_forwarded_proto="https",
        x_forwarded_host="qingfeng.example.cn",
    )
    assert response.status_code == 200


def test_the_query_string_is_part_of_the_signed_url(client, production_proxy):
    path = PATH + "?campaign=7"
    proxied = {"x_forwarded_proto": "https", "x_forwarded_host": "qingfeng.example.cn"}
    assert _post(client, path, _sign(PUBLIC + path), **proxied).status_code == 200
    assert _post(client, path, _sign(PUBLIC + PATH), **proxied).status_code == 403


@pytest.mark.parametrize(
    "signed_url",
    [
        "wrong",
        # What Django would see with the forwarded headers ignored.
        "http://web:8000" + PATH,
        # The right host over the wrong scheme.
        "http://qingfeng.example.cn" + PATH,
    ],
)
def test_any_other_signature_is_forbidden(client, production_proxy, signed_url):
    signature = signed_url if signed_url == "wrong" else _sign(signed_url)
    response = _post(client, PATH, signature, x_forwarded_proto="https", x_forwarded_host="qingfeng.example.cn")
    assert response.status_code == 403


def test_webhook_base_url_overrides_a_host_the_proxy_rewrote(client, production_proxy):
    production_proxy.SMS_WEBHOOK_BASE_URL = PUBLIC + "/"
    production_proxy.ALLOWED_HOSTS = ["web"]
    # This proxy sends neither X-Forwarded-Host nor the public Host: only the setting knows the public origin.
    response = _post(client, PATH, _sign(PUBLIC + PATH), x_forwarded_proto="https")
    assert response.status_code == 200
    assert _post(client, PATH, "wrong", x_forwarded_proto="https").status_code == 403


def test_without_the_forwarded_scheme_production_redirects_to_https(client, production_proxy):
    response = _post(client, PATH, _sign(PUBLIC + PATH), x_forwarded_host="qingfeng.example.cn")
    assert response.status_code == 301
    assert response["Location"] == PUBLIC + PATH
