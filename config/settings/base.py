"""Settings shared by every environment. Values come from the environment (see .env.example)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config.csp import DIRECTIVES as CSP_DIRECTIVES
from config.logging import build as build_logging
from config.storage import s3_storages

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's .env is read when present; real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me-0123456789-abcdefghijklmnop")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Ours
    "config",
    "core",
    "directory",
    "cms",
    "forum",
    "sms",
    "quizzes",
    # The study ledger credits the points cms and quizzes announce (core.points): after them.
    "study",
    "frontend",
    "approvals",
    "complaints",
    # 我的办件: a citizen's applications and complaints in one place (reads approvals and complaints).
    "citizens",
    # Supervision consumes the other platforms' events: keep it after approvals and complaints.
    "supervision",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    # Purges the public page cache (core/pagecache.py) and, in production, Varnish.
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third party
    "django_q",
    "phonenumber_field",
    # GraphQL: grapple exposes Wagtail content; it needs graphene_django and wagtail_headless_preview.
    "grapple",
    "graphene_django",
    "wagtail_headless_preview",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # Outermost: an unreachable database, cache or broker anywhere below becomes a 503, never a 500 (core/outage.py).
    # It reads nothing from the request, so complaint requests are still scrubbed before anything else sees them.
    "core.outage.OutageMiddleware",
    # Then: complaint requests lose their client address and user agent before anything else sees them.
    "complaints.privacy.ComplaintPrivacyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    # Public pages for visitors without a session, keyed by the language chosen above; a hit skips what follows.
    "core.pagecache.PageCacheMiddleware",
    # Errors on /graphql/ and /api/ as JSON in the client's language, not Django's HTML pages (core/refusals.py).
    "core.refusals.ApiRefusalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.csp.QingfengCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "core.refusals.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "core.citizens.context",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Content-Security-Policy in every environment, so that development and the browser tests meet what production
# enforces (config/csp.py). CSP_REPORT_ONLY=true only reports, for trying a change on a live site.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY, CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY, None
# Browser features the site never uses (sent by the same middleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Database: SQLite by default; DATABASE_URL=postgres://... for PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker read while the other writes;
    # IMMEDIATE transactions avoid "database is locked" on lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and task broker: Redis when REDIS_URL is set, else in-process cache and the ORM broker.
# "default" holds what can be recomputed (Wagtail's site paths, page fragments) and misses while Redis is down;
# "counters" is the same store, strict, for the rate limits, each of which decides what an outage means
# (core/ratelimit.py).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    _redis_cache = {
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "qingfeng",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    CACHES = {
        "default": {"BACKEND": "core.cache.FailOpenRedisCache", **_redis_cache},
        "counters": {"BACKEND": "django.core.cache.backends.redis.RedisCache", **_redis_cache},
    }
else:
    # The same LOCATION: both aliases share one in-process store.
    _locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": ""}
    CACHES = {"default": _locmem, "counters": _locmem}

# Public pages served from the cache to visitors without a session (core/pagecache.py, docs/performance.md): how
# long one may be kept, 0 to switch it off. Without Redis each process has its own cache, which a purge reaches
# only in the process that saw the change: keep it short there.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600 if REDIS_URL else 30)
# The views whose anonymous answers may be stored (only when they set no cookie and use no CSRF token).
PAGE_CACHE_VIEWS = {
    "wagtail_serve",
    "approvals:catalogue",
    "approvals:catalogue_json",
    "approvals:item",
    "approvals:flowchart",
    "complaints:index",
    "complaints:cases",
    "complaints:case",
    "frontend:shell",
    "frontend:shell_path",
}
# Pages that change with every visitor's activity (new topics, leaderboards): rendered every time.
PAGE_CACHE_SKIP_PAGE_TYPES = {"forum.ForumBoardPage", "quizzes.QuizPage"}
# Never looked up (nothing under these is stored): spares their requests a cache read.
PAGE_CACHE_SKIP_PREFIXES = (
    "/admin/",
    "/s/",
    "/q/",
    "/static/",
    "/media/",
    "/documents/",
    "/graphql/",
    "/api/",
    "/sms/",
    "/accounts/",
    "/i18n/",
    "/study/",
    "/healthz",
)
# Besides pages and settings, the models whose saves and deletes purge every public page, each with the attribute
# that must be true for a row to be shown at all (None: every row). Not every snippet: cadres are snippets too.
PAGE_CACHE_PURGE_MODELS = {
    "cms.WarningPhrase": None,
    "cms.Regulation": None,
    "cms.ViolationCategory": None,
    "wagtailcore.PageViewRestriction": None,
    "approvals.ApprovalItem": None,
    "approvals.Material": None,
    "approvals.ItemStep": None,
    "directory.Department": None,
    "complaints.Complaint": "is_public",
    "complaints.CaseUpdate": None,
    "complaints.Clarification": None,
}
# Wagtail's frontend-cache invalidation calls each backend on a purge: the in-app cache always, Varnish when
# VARNISH_URL names it (http://varnish:80 in compose; deploy/varnish/default.vcl turns a PURGE into a ban of the path).
WAGTAILFRONTENDCACHE = {"pages": {"BACKEND": "core.pagecache.DjangoCacheBackend"}}
if VARNISH_URL := env("VARNISH_URL", default=""):
    WAGTAILFRONTENDCACHE["varnish"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": VARNISH_URL,
    }

Q_CLUSTER = {
    "name": "qingfeng",
    "workers": env.int("Q_WORKERS", default=2 if REDIS_URL else 1),
    "timeout": 120,
    # retry must exceed timeout, and max_attempts must be bounded (0 means forever).
    "retry": 180,
    "max_attempts": 3,
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "label": _("Task queue"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Ours first (it wins), then locale/upstream: the Wagtail 8 words its own zh_Hans catalogue lacks.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "upstream"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "CN"
PHONENUMBER_DEFAULT_FORMAT = "E164"

WAGTAIL_SITE_NAME = env("SITE_NAME", default="清风")
WAGTAILADMIN_BASE_URL = env("BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The admin would otherwise load avatars from gravatar.com and poll releases.wagtail.io from editors' browsers:
# outside requests the Content-Security-Policy refuses (and that leak who is editing).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Videos are Documents too (cms.blocks.VIDEO_EXTENSIONS, study heartbeats): without them no editor could upload one.
WAGTAILDOCS_EXTENSIONS = [
    "csv", "doc", "docx", "key", "m4v", "mp4", "odt", "pdf", "pptx", "rtf", "txt", "webm", "xls", "xlsx", "zip",
]  # fmt: skip

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Files (docs/configuration.md#files): public media, private uploads (served only by permission-checked views) and
# the audit checkpoints. On local disk by default; with S3_BUCKET set, all three go to S3-compatible object storage,
# so that any number of web and worker hosts share them. Static files are built into each host's image.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": {"BACKEND": "core.storage.LocalPrivateStorage"},
    "audit": {"BACKEND": "core.storage.LocalCheckpointStorage"},
}
if env.str("S3_BUCKET", default=""):
    STORAGES.update(s3_storages(env))
# Documents go through Wagtail's view, which checks collection privacy, whatever the storage (with object storage
# Wagtail would otherwise redirect to the object's public URL).
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# Uploads larger than this are streamed to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest cadre spreadsheet accepted by the importer (bytes).
CADRE_IMPORT_MAX_BYTES = env.int("CADRE_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)

# SMS: "console" stores and prints; "twilio" sends through Twilio (or a compatible server at TWILIO_BASE_URL).
SMS_GATEWAY = env("SMS_GATEWAY", default="console")
# The signature (签名) by who receives the SMS, unless a registered signature is set for its purpose (短信签名):
# cadres' warnings and login codes are the commission's; citizens hear about their applications from the service
# centre, which handles them (a shop owner reads 【…纪委监委】 as the discipline commission writing to them).
SMS_SIGNATURE = env("SMS_SIGNATURE", default="【清河市纪委监委】")
SMS_CITIZEN_SIGNATURE = env("SMS_CITIZEN_SIGNATURE", default="【清河市政务服务中心】")
# The provider's template code of each system message (sms.system_templates), e.g.
# SMS_TEMPLATE_CODES="login_code=SMS_2000001,study.task_reminder=SMS_2000002"; a purpose not named here is sent
# with its template row's own code (which an operator may set to the provider's).
SMS_TEMPLATE_CODES = env.dict("SMS_TEMPLATE_CODES", default={})
# The line every campaign message ends with (how to opt out); empty for none. Template-only providers (Aliyun) send
# the approved template as it is, so there the template must carry it.
SMS_OPT_OUT_LINE = env.str("SMS_OPT_OUT_LINE", default="回复TD退订")
# The sender's throughput in messages per second (a long code sends 1/s, a short code 100/s and more).
SMS_RATE = env.float("SMS_RATE", default=10.0)
# Requests in flight at once, so that a slow gateway does not hold the rate below SMS_RATE.
SMS_CONCURRENCY = env.int("SMS_CONCURRENCY", default=8)
# Campaign messages wait outside these hours (local time, "HH:MM-HH:MM"); codes and replies are not held.
SMS_QUIET_HOURS = env.str("SMS_QUIET_HOURS", default="21:00-08:00")
SMS_DAILY_CAP = env.int("SMS_DAILY_CAP", default=3)
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", default=5)
# Estimated price of one segment, for previews (yuan).
SMS_SEGMENT_PRICE = env.float("SMS_SEGMENT_PRICE", default=0.05)
SMS_MAX_SEGMENTS = env.int("SMS_MAX_SEGMENTS", default=5)
# Campaign dispatch internals (seconds). A claimed message not finished within the lease is taken over (its worker
# died) and reconciled with the provider before any resend: keep it far above TWILIO_TIMEOUT.
SMS_CLAIM_LEASE = 300
# First retry delay; doubled per attempt, with jitter.
SMS_RETRY_BACKOFF = 5.0
# How long one dispatch task sends before handing over to a fresh task: below Q_CLUSTER's timeout of 120 s.
SMS_DISPATCH_BUDGET = 90
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env.str("TWILIO_FROM", default="")
# Empty for api.twilio.com; tests point it at a local fake server.
TWILIO_BASE_URL = env.str("TWILIO_BASE_URL", default="")
TWILIO_TIMEOUT = env.float("TWILIO_TIMEOUT", default=10.0)
# Alibaba Cloud SMS (SMS_GATEWAY=aliyun). The endpoint is host[:port]; ALIYUN_SMS_PROTOCOL=http only for a local fake.
ALIYUN_SMS_ACCESS_KEY_ID = env.str("ALIYUN_SMS_ACCESS_KEY_ID", default="")
ALIYUN_SMS_ACCESS_KEY_SECRET = env.str("ALIYUN_SMS_ACCESS_KEY_SECRET", default="")
ALIYUN_SMS_REGION = env.str("ALIYUN_SMS_REGION", default="cn-hangzhou")
ALIYUN_SMS_ENDPOINT = env.str("ALIYUN_SMS_ENDPOINT", default="dysmsapi.aliyuncs.com")
ALIYUN_SMS_PROTOCOL = env.str("ALIYUN_SMS_PROTOCOL", default="https")
ALIYUN_SMS_TIMEOUT = env.float("ALIYUN_SMS_TIMEOUT", default=10.0)
# The approved template whose whole text is one variable, used for a message no other approved template matches.
ALIYUN_SMS_FALLBACK_TEMPLATE = env.str("ALIYUN_SMS_FALLBACK_TEMPLATE", default="")
ALIYUN_SMS_FALLBACK_PARAM = env.str("ALIYUN_SMS_FALLBACK_PARAM", default="content")
# Delivery reports and replies are pushed to /sms/webhooks/aliyun/<secret>/report/ and .../up/; empty: pulled.
ALIYUN_SMS_CALLBACK_SECRET = env.str("ALIYUN_SMS_CALLBACK_SECRET", default="")
# Optional allow-list of the addresses pushes may come from (comma-separated IPs or CIDR networks).
ALIYUN_SMS_CALLBACK_SOURCES = env.list("ALIYUN_SMS_CALLBACK_SOURCES", default=[])
# Replies by pull where push is not configured: the SmsUp queue the SMS console names (Alicom-Queue-<id>-SmsUp),
# read through MNS with a temporary key from QueryTokenForMnsQueue (sms/mns.py).
ALIYUN_SMS_UP_QUEUE = env.str("ALIYUN_SMS_UP_QUEUE", default="")
ALIYUN_SMS_MNS_ENDPOINT = env.str(
    "ALIYUN_SMS_MNS_ENDPOINT", default="https://1943695596114318.mns.cn-hangzhou.aliyuncs.com"
)
ALIYUN_SMS_MNS_TOKEN_ENDPOINT = env.str("ALIYUN_SMS_MNS_TOKEN_ENDPOINT", default="dybaseapi.aliyuncs.com")
# Scheme and host Twilio calls our webhooks at, e.g. https://qingfeng.example.cn, when a proxy rewrites them (the
# signature covers the full URL); empty: taken from the request (X-Forwarded-Proto/-Host behind the proxy).
SMS_WEBHOOK_BASE_URL = env.str("SMS_WEBHOOK_BASE_URL", default="")

# The public site's login (forum and later the citizen pages); the admin keeps its own at /admin/login/.
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAILADMIN_USER_LOGIN_FORM = "core.admin_forms.LoginForm"

# Forum: posts a user may write per minute and per day, and distinct reports that hide a post pending review.
FORUM_POSTS_PER_MINUTE = env.int("FORUM_POSTS_PER_MINUTE", default=5)
FORUM_POSTS_PER_DAY = env.int("FORUM_POSTS_PER_DAY", default=30)
FORUM_REPORTS_TO_HIDE = env.int("FORUM_REPORTS_TO_HIDE", default=3)
# The same text posted again by the same user within this many seconds is refused as a flood.
FORUM_FLOOD_SECONDS = 600
FORUM_SENSITIVE_WORDS_FILE = BASE_DIR / "forum" / "data" / "sensitive_words.txt"

# GraphQL API (/graphql/): one schema, api/schema.py composes grapple's Wagtail queries with ours.
GRAPHENE = {"SCHEMA": "api.schema.schema"}
GRAPPLE = {
    "APPS": ["cms"],
    "EXPOSE_GRAPHIQL": False,
    "PAGE_SIZE": 10,
    "MAX_PAGE_SIZE": 20,
    # Only these renditions may be asked for: any other filter spec would let a client fill the disk and burn CPU.
    "ALLOWED_IMAGE_FILTERS": [
        f"width-{width}{suffix}" for width in (320, 480, 640, 800, 960, 1280) for suffix in ("", "|format-webp")
    ],
}
# The proxies whose X-Forwarded-For is believed (CIDRs, comma-separated): the client of a request from one of them
# is the right-most forwarded address not in this list (core/client.py). Empty: only the peer's address counts.
# compose.yaml trusts its own network, where only the nginx proxy talks to gunicorn.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# The proof of work a network past its complaint limit is asked for instead of a refusal (core/challenge.py):
# leading zero bits of sha256 (18: a few seconds in a phone's browser) and how long a challenge stays valid.
CHALLENGE_BITS = env.int("CHALLENGE_BITS", default=18)
CHALLENGE_MAX_AGE = 600  # seconds

# Limits of /graphql/ (api/core/security.py).
GRAPHQL_MAX_DEPTH = 10
GRAPHQL_MAX_BODY_BYTES = 10 * 1024
GRAPHQL_MAX_FIELDS = 300
# Field weights times list sizes (api/core/cost.py): one search costs 200, a field 1, a list of 20 twenty times.
GRAPHQL_MAX_COST = env.int("GRAPHQL_MAX_COST", default=5000)
# Anonymous clients may send only the documents the app ships (api/core/persisted.py); on in production.
GRAPHQL_PERSISTED_ONLY = env.bool("GRAPHQL_PERSISTED_ONLY", default=False)
# Mutations per minute, per user and per client address (the address only ever as an HMAC in a cache key).
GRAPHQL_MUTATIONS_PER_MINUTE_USER = 30
GRAPHQL_MUTATIONS_PER_MINUTE_IP = 60

# Online complaints (complaints/). Fernet keys for reporters' contact data, newest first (comma-separated). The
# production settings require them; here, for development and tests only, one is derived from SECRET_KEY, so a
# development database's reporter data is readable with that key alone.
COMPLAINTS_ENCRYPTION_KEYS = env.list(
    "COMPLAINTS_ENCRYPTION_KEYS",
    default=[
        __import__("base64")
        .urlsafe_b64encode(__import__("hashlib").sha256(f"complaints-encryption:{SECRET_KEY}".encode()).digest())
        .decode()
    ],
)
# Private uploads (complaint attachments, application materials, cadre spreadsheets) live here when on local disk,
# outside MEDIA_ROOT: never served by the web server, only through permission-checked views (STORAGES["private"]).
COMPLAINTS_PRIVATE_ROOT = Path(env("COMPLAINTS_PRIVATE_ROOT", default=str(BASE_DIR / "private")))
COMPLAINTS_ATTACHMENT_MAX_BYTES = env.int("COMPLAINTS_ATTACHMENT_MAX_BYTES", default=8 * 1024 * 1024)
COMPLAINTS_MAX_ATTACHMENTS = 5
COMPLAINTS_IMAGE_MAX_PIXELS = 40_000_000
# Working days each stage may take before supervision's clock runs out.
COMPLAINTS_STAGE_WORKING_DAYS = {"received": 3, "acknowledged": 15, "accepted": 5, "investigating": 60}
# The department that receives complaints (纪委监委 信访室) until one is chosen.
COMPLAINTS_INTAKE_DEPARTMENT = env("COMPLAINTS_INTAKE_DEPARTMENT", default="QH-JW")
# A receipt stops working this many days after its complaint reached a final state.
COMPLAINTS_RECEIPT_VALID_DAYS = 365
# Per source (an HMAC of the client address, in the cache only): submissions, receipt look-ups per hour.
COMPLAINTS_SUBMISSIONS_PER_HOUR = env.int("COMPLAINTS_SUBMISSIONS_PER_HOUR", default=5)
COMPLAINTS_ATTEMPTS_PER_HOUR = 30  # submissions tried, valid or not
# Past COMPLAINTS_SUBMISSIONS_PER_HOUR a source must solve a challenge for each complaint (core/challenge.py), up
# to this many an hour; past six times as many attempts, or this many complaints, it is refused until the hour ends.
COMPLAINTS_CHALLENGED_PER_HOUR = env.int("COMPLAINTS_CHALLENGED_PER_HOUR", default=100)
COMPLAINTS_LOOKUPS_PER_HOUR = env.int("COMPLAINTS_LOOKUPS_PER_HOUR", default=30)
# Wrong receipts per case reference per hour, whoever tries.
COMPLAINTS_WRONG_RECEIPTS_PER_CASE = 10

# Console logs with phone numbers, addresses and receipts redacted (config/logging.py); LOG_FORMAT=json writes one
# JSON object per line (the production default).
LOGGING = build_logging(env("LOG_FORMAT", default="plain"), env("LOG_LEVEL", default="INFO"))

# Electronic supervision (docs/supervision.md). The Ed25519 key that signs the daily audit checkpoint:
# base64 of the 32-byte private key (`manage.py audit_keygen`) or a PEM file; the checkpoint files go to
# SUPERVISION_CHECKPOINT_DIR (with object storage: its audit/ prefix, STORAGES["audit"]), to be copied off the
# server. SUPERVISION_PUBLIC_KEY verifies them when set.
SUPERVISION_SIGNING_KEY = env.str("SUPERVISION_SIGNING_KEY", default="")
SUPERVISION_SIGNING_KEY_FILE = env.str("SUPERVISION_SIGNING_KEY_FILE", default="")
SUPERVISION_PUBLIC_KEY = env.str("SUPERVISION_PUBLIC_KEY", default="")
SUPERVISION_CHECKPOINT_DIR = env.str("SUPERVISION_CHECKPOINT_DIR", default=str(BASE_DIR / "audit_checkpoints"))
# Officials' actions outside these hours (local time) or on non-working days raise a finding.
SUPERVISION_OFFICE_HOURS = env.str("SUPERVISION_OFFICE_HOURS", default="08:00-18:00")
# Performance score weights (summing to 100) and the volume below which a unit is listed but not ranked.
SUPERVISION_SCORE_WEIGHTS = {"on_time": 35, "speed": 15, "alerts": 20, "complaints": 15, "satisfaction": 15}
SUPERVISION_MIN_VOLUME = env.int("SUPERVISION_MIN_VOLUME", default=5)
# The supervising body's department codes, left out of rankings; empty: where the supervisor role's cadres work.
SUPERVISION_UNRANKED_DEPARTMENTS = env.list("SUPERVISION_UNRANKED_DEPARTMENTS", default=[])

# Mail: Wagtail notifies reviewers of submissions and authors of decisions. Printed to the console until configured,
# e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.cn:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="清风 <noreply@qingfeng.invalid>")

# Online approval (approvals/)
APPROVALS_MAX_UPLOAD_BYTES = env.int("APPROVALS_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
APPROVALS_ACCEPTANCE_DAYS = 2  # working days the window has to accept, refuse or ask for supplements
APPROVALS_TRACKING_WINDOW = 900  # seconds: failed tracking lookups are counted per window ...
APPROVALS_TRACKING_FAILURES = 10  # ... and refused past this many, per client address and per tracking number
APPROVALS_APPLICATIONS_PER_HOUR = 20  # online applications accepted per client address per hour
# 我的 (core/citizens.py): how long a phone proved with an SMS code opens a citizen's cases in one session.
CITIZEN_SESSION_SECONDS = env.int("CITIZEN_SESSION_SECONDS", default=2 * 3600)

# Idempotent submissions (core/idempotency.py): how long a resent form or mutation gets the first result back,
# and how long a sealed one-time secret in it (a complaint's receipt) can still be shown again.
IDEMPOTENCY_SECRET_SECONDS = env.int("IDEMPOTENCY_SECRET_SECONDS", default=15 * 60)
RETENTION_IDEMPOTENCY_HOURS = env.int("RETENTION_IDEMPOTENCY_HOURS", default=24)
# Data minimisation (docs/configuration.md#retention): citizens' numbers in settled SMS logs become a keyed hash
# (SMS_PHONE_HASH_KEY, derived from SECRET_KEY when unset); logs, uploads of closed cases go after these days
# (0 keeps them).
SMS_PHONE_HASH_KEY = env.str("SMS_PHONE_HASH_KEY", default="")
RETENTION_SMS_LOG_DAYS = env.int("RETENTION_SMS_LOG_DAYS", default=730)
RETENTION_SMS_CODE_DAYS = env.int("RETENTION_SMS_CODE_DAYS", default=7)
RETENTION_COMPLAINT_ATTACHMENTS_DAYS = env.int("RETENTION_COMPLAINT_ATTACHMENTS_DAYS", default=1825)
RETENTION_APPLICATION_MATERIALS_DAYS = env.int("RETENTION_APPLICATION_MATERIALS_DAYS", default=1825)
