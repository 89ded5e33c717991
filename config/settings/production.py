"""Production: every secret comes from the environment; HTTPS only."""

from config.logging import build as build_logging

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Reporters' names and phones: never derived from SECRET_KEY in production (generate with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
COMPLAINTS_ENCRYPTION_KEYS = env.list("COMPLAINTS_ENCRYPTION_KEYS")

# Anonymous GraphQL clients may send only the app's own documents (api/core/persisted.py).
GRAPHQL_PERSISTED_ONLY = env.bool("GRAPHQL_PERSISTED_ONLY", default=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# /healthz is probed over plain HTTP by the load balancer inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# One JSON object per line, personal data redacted (config/logging.py); LOG_FORMAT=plain for a human at a terminal.
LOGGING = build_logging(env("LOG_FORMAT", default="json"), env("LOG_LEVEL", default="INFO"))
