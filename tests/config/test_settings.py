import os
import subprocess
import sys

from django.conf import settings
from django.test import override_settings
from django.utils import translation


def test_chinese_first_with_english_available():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


def test_zh_hans_catalogue_is_compiled_and_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Online complaints") == "网络投诉"
    with translation.override("en"):
        assert translation.gettext("Online complaints") == "Online complaints"


def _run_settings(env_overrides, code):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; " + code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return result.stdout.strip()


def test_no_environment_means_sqlite_orm_broker_console_sms_and_local_cache():
    out = _run_settings(
        {},
        "print(s.DATABASES['default']['ENGINE'], 'orm' in s.Q_CLUSTER, s.SMS_GATEWAY,"
        " s.CACHES['default']['BACKEND'], s.DEBUG)",
    )
    assert out == "django.db.backends.sqlite3 True console django.core.cache.backends.locmem.LocMemCache True"


def test_database_url_and_redis_url_switch_to_postgresql_and_redis():
    out = _run_settings(
        {"DATABASE_URL": "postgres://qf@db.internal:5432/qingfeng", "REDIS_URL": "redis://cache.internal:6379/1"},
        "print(s.DATABASES['default']['ENGINE'], s.Q_CLUSTER.get('redis'), 'orm' in s.Q_CLUSTER,"
        " s.CACHES['default']['BACKEND'], s.CACHES['counters']['BACKEND'])",
    )
    # The default cache misses while Redis is down; the rate limits' alias stays strict (core/ratelimit.py).
    assert out == (
        "django.db.backends.postgresql redis://cache.internal:6379/1 False core.cache.FailOpenRedisCache"
        " django.core.cache.backends.redis.RedisCache"
    )


@override_settings(LANGUAGE_CODE="zh-hans")
def _deploy_check(**changes):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is a test-only switch the deploy check rightly rejects.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "qf.example.cn",
        "COMPLAINTS_ENCRYPTION_KEYS": "m5fuI5LqOtJbqSv3xSqVWcPqLyVt0l6l9fJ2eSjkgOo=",
        "SUPERVISION_SIGNING_KEY": "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=",
    }
    env = {k: v for k, v in {**env, **changes}.items() if v is not None}
    command = ["manage.py", "check", "--deploy", "--fail-level", "WARNING", "--settings=config.settings.production"]
    return subprocess.run([sys.executable, *command], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)


def test_production_settings_pass_the_deploy_check():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_wants_the_audit_signing_key():
    result = _deploy_check(SUPERVISION_SIGNING_KEY=None)
    assert result.returncode != 0
    assert "supervision.W001" in result.stdout + result.stderr


def test_site_is_chinese_even_for_an_english_browser_until_english_is_chosen(client, home_page):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "让权力在阳光下运行" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Let power run in the sunlight" in client.get("/").content.decode()
