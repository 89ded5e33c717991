#!/usr/bin/env bash
# The production processes, one entry point for compose.yaml and for a plain machine:
#
#   scripts/serve.sh migrate   migrations, schedules, catalogues (once per release, before web and worker start)
#   scripts/serve.sh static    collectstatic (the image does it at build; a plain machine once per release)
#   scripts/serve.sh web       gunicorn (config/gunicorn.conf.py: PORT, WEB_CONCURRENCY, GUNICORN_THREADS)
#   scripts/serve.sh worker    the django-q2 cluster (Q_WORKERS processes; run as many clusters as you like)
#   scripts/serve.sh backup    pg_dump (and a tarball of BACKUP_PATHS) every BACKUP_INTERVAL seconds into BACKUP_DIR,
#                              deleting files older than BACKUP_KEEP_DAYS; backup-once: one round
#   scripts/serve.sh healthcheck   exit 0 when /healthz answers 200 on PORT
#
# Settings come from the environment (DATABASE_URL, REDIS_URL, SECRET_KEY, ...; see .env.production.example);
# DJANGO_SETTINGS_MODULE defaults to the production settings.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.production}"
export PYTHONUNBUFFERED=1

backup_once() {
  local dir="${BACKUP_DIR:-/backups}" stamp
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$dir"
  # Custom format: compressed, and pg_restore can restore one table or the whole database from it.
  pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$dir/qingfeng-$stamp.dump.partial"
  mv "$dir/qingfeng-$stamp.dump.partial" "$dir/qingfeng-$stamp.dump"
  if [ -n "${BACKUP_PATHS:-}" ]; then
    # Uploaded media, complaint attachments and audit checkpoints: files the database only points to.
    # shellcheck disable=SC2086 # BACKUP_PATHS is a space-separated list of directories
    tar -czf "$dir/files-$stamp.tar.gz.partial" $BACKUP_PATHS
    mv "$dir/files-$stamp.tar.gz.partial" "$dir/files-$stamp.tar.gz"
  fi
  find "$dir" \( -name 'qingfeng-*.dump' -o -name 'files-*.tar.gz' \) -mtime +"${BACKUP_KEEP_DAYS:-14}" -delete
  echo "backup written: $dir/qingfeng-$stamp.dump"
}

case "${1:-}" in
  migrate)
    # One process for the three commands: Django and Wagtail take seconds to import.
    "$PYTHON" - <<'PY'
import django
from django.core.management import call_command

django.setup()
call_command("migrate", interactive=False)
call_command("setup_schedules")
call_command("compile_catalogues")
PY
    ;;
  static)
    "$PYTHON" manage.py collectstatic --noinput
    ;;
  web)
    exec "$PYTHON" -m gunicorn --config config/gunicorn.conf.py config.wsgi:application
    ;;
  healthcheck)
    # For the container's healthcheck: /healthz on this host, with a Host header ALLOWED_HOSTS accepts.
    exec "$PYTHON" - <<'PY'
import os, sys, urllib.request
host = os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".")
request = urllib.request.Request(
    f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz", headers={"Host": host if host not in ("", "*") else "localhost"}
)
try:
    sys.exit(0 if urllib.request.urlopen(request, timeout=4).status == 200 else 1)
except Exception:
    sys.exit(1)
PY
    ;;
  worker)
    exec "$PYTHON" manage.py qcluster
    ;;
  backup)
    : "${DATABASE_URL:?backup needs DATABASE_URL}"
    while true; do
      backup_once || echo "backup failed" >&2
      sleep "${BACKUP_INTERVAL:-86400}"
    done
    ;;
  backup-once)
    : "${DATABASE_URL:?backup needs DATABASE_URL}"
    backup_once
    ;;
  *)
    echo "usage: $0 migrate|static|web|worker|backup|backup-once|healthcheck" >&2
    exit 2
    ;;
esac
