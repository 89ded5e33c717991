"""gunicorn settings for `scripts/serve.sh web`, read from the environment so compose and a plain machine agree.

WEB_CONCURRENCY worker processes x GUNICORN_THREADS threads each (gthread). The access log leaves out the client
address and the query string (tracking codes, receipts), and every line passes the same redaction filter as
Django's logs. FORWARDED_ALLOW_IPS lists the proxies whose X-Forwarded-* headers gunicorn trusts.
"""

import os

from config.logging import formatter_config

bind = f"{os.environ.get('BIND_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, staggered, so a slow leak never takes the site down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Exact addresses (gunicorn 23 takes no networks). compose.yaml sets "*": there gunicorn is reachable only from the
# compose network, where the proxy's address changes with every restart.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Method, path without query string, status, bytes, milliseconds: no %(h)s (client address), no %(r)s/%(q)s.
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "true").lower() in ("1", "true", "yes") else None
errorlog = "-"

_format = os.environ.get("LOG_FORMAT", "json")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"default": formatter_config(_format)},
    "filters": {
        "redact": {"()": "config.logging.RedactingFilter"},
        "private_paths": {"()": "config.logging.PrivatePathFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "default",
            "filters": ["private_paths", "redact"],
            "stream": "ext://sys.stdout",
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "default",
            "filters": ["redact"],
            "stream": "ext://sys.stderr",
        },
    },
    "loggers": {
        "gunicorn.error": {
            "level": os.environ.get("LOG_LEVEL", "INFO"),
            "handlers": ["error_console"],
            "propagate": False,
        },
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
}
