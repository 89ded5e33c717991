# Qingfeng's production image: one image for web, worker, migrate and backup (compose.yaml; scripts/serve.sh).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PYTHON=python \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    COMPLAINTS_PRIVATE_ROOT=/data/private \
    SUPERVISION_CHECKPOINT_DIR=/data/audit_checkpoints \
    BACKUP_DIR=/backups

# pg_dump/pg_restore for the backup service (Debian 12's client is PostgreSQL 15, the version of the db service).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Build-time only: collectstatic and the catalogues need settings that import, not real secrets. None of these
# values is kept in the image (they are not ENV), and production refuses to start without its own.
RUN SECRET_KEY=build-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=localhost \
    COMPLAINTS_ENCRYPTION_KEYS=YnVpbGQtb25seS1ub3QtYS1rZXktMDEyMzQ1Njc4OTA= \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py compile_catalogues \
    && SECRET_KEY=build-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=localhost \
    COMPLAINTS_ENCRYPTION_KEYS=YnVpbGQtb25seS1ub3QtYS1rZXktMDEyMzQ1Njc4OTA= \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin qingfeng \
    && mkdir -p /data/media /data/private /data/audit_checkpoints /backups \
    && chown -R qingfeng:qingfeng /data /backups /app/locale
USER qingfeng

EXPOSE 8000
ENTRYPOINT ["scripts/serve.sh"]
CMD ["web"]
