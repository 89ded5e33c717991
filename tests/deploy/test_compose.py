"""compose.yaml, read as data: no Docker engine is needed to check what matters about the production stack."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY|KEYS|SID")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def _environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def test_the_stack_has_web_workers_database_broker_and_a_one_shot_migration(services):
    assert {"web", "worker", "migrate", "db", "redis"} <= set(services)
    assert services["web"]["command"] == ["web"]
    assert services["worker"]["command"] == ["worker"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:")


def test_two_or_more_workers_on_the_redis_broker(services):
    assert services["worker"]["deploy"]["replicas"] >= 2
    for name in ("web", "worker", "migrate"):
        assert _environment(services[name])["REDIS_URL"].startswith("redis://redis:"), name
        assert _environment(services[name])["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_web_and_workers_start_only_after_the_migration_succeeded_on_a_healthy_database(services):
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_data_lives_on_named_volumes_and_files_in_the_object_store(compose, services):
    """Web, worker and migration keep nothing on local disk another host needs: every file goes to the object store."""
    volumes = set(compose["volumes"])
    mounts = {name: {m.split(":")[1]: m.split(":")[0] for m in s.get("volumes", [])} for name, s in services.items()}
    assert mounts["db"]["/var/lib/postgresql/data"] in volumes
    assert mounts["s3"]["/data"] in volumes
    for name in ("web", "worker", "migrate"):
        assert mounts[name] == {}, name
        env = _environment(services[name])
        assert env["S3_BUCKET"] and env["S3_ENDPOINT_URL"] == "http://s3:9000", name
        assert services[name]["depends_on"]["s3-init"]["condition"] == "service_completed_successfully", name
    assert mounts["backup"]["/backups"] in volumes
    assert mounts["backup"]["/data/objects"] == mounts["s3"]["/data"]
    assert _environment(services["backup"])["BACKUP_PATHS"] == "/data/objects"
    # The bucket is created once; only its media/ prefix is readable without credentials.
    init = _s3_init_script(services)
    bucket = _environment(services["web"])["S3_BUCKET"]
    assert _environment(services["s3-init"])["S3_BUCKET"] == bucket
    assert 'mc mb --ignore-existing "store/$bucket"' in init
    assert re.findall(r"mc anonymous set \w+ (\S+)", init) == ['"store/$bucket/media"']
    assert services["s3"]["healthcheck"]["test"]


APP_IMAGE_SERVICES = ("web", "worker", "migrate", "backup")
S3_INIT_MOUNT = "/s3-init.sh"


def _env_files(service):
    files = service.get("env_file") or []
    return [files] if isinstance(files, str) else [f if isinstance(f, str) else f["path"] for f in files]


def _s3_init_script(services):
    init = services["s3-init"]
    assert init["entrypoint"] == ["/bin/sh", S3_INIT_MOUNT]
    (source,) = [m.split(":")[0] for m in init["volumes"] if m.split(":")[1] == S3_INIT_MOUNT]
    return (ROOT / source).read_text()


def test_the_app_never_receives_the_object_stores_root_user(services):
    """MinIO's root user is in .env.minio, read by the store and its one-shot set-up only; the app's containers get
    the keys of a user limited to the bucket."""
    production = (ROOT / ".env.production.example").read_text()
    minio = (ROOT / ".env.minio.example").read_text()
    assert not re.search(r"^\s*#?\s*MINIO_ROOT_", production, re.M)
    assert set(re.findall(r"^(MINIO_ROOT_\w+)=", minio, re.M)) == {"MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"}
    assert not re.search(r"^S3_", minio, re.M)
    assert re.findall(r"^(S3_ACCESS_KEY_ID|S3_SECRET_ACCESS_KEY)=", production, re.M) == [
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
    ]
    app_services = [name for name, s in services.items() if s.get("build") == "." or name in APP_IMAGE_SERVICES]
    assert set(APP_IMAGE_SERVICES) <= set(app_services)
    for name in services:
        if name in ("s3", "s3-init"):
            continue
        assert ".env.minio" not in _env_files(services[name]), name
        assert not any(key.startswith("MINIO_") for key in _environment(services[name])), name
    # The store itself needs nothing of the app's secrets; the set-up needs both files.
    assert _env_files(services["s3"]) == [".env.minio"]
    assert set(_env_files(services["s3-init"])) == {".env.minio", ".env.production"}
    assert re.search(r"^\.env\.minio$", (ROOT / ".gitignore").read_text(), re.M)
    assert ".env.*" in (ROOT / ".dockerignore").read_text().split()


def test_s3_init_gives_the_app_a_user_limited_to_the_bucket(services):
    import json

    init = _s3_init_script(services)
    bucket = _environment(services["web"])["S3_BUCKET"]
    assert re.search(r'^mc alias set store "\$endpoint" "\$MINIO_ROOT_USER" "\$MINIO_ROOT_PASSWORD"$', init, re.M)
    assert re.search(r'^mc admin user add store "\$S3_ACCESS_KEY_ID" "\$S3_SECRET_ACCESS_KEY"$', init, re.M)
    assert re.search(r'^mc admin policy attach store "\$policy" --user "\$S3_ACCESS_KEY_ID"$', init, re.M)
    created = re.search(r'^mc admin policy create store "\$policy" (\S+)$', init, re.M).group(1)
    # The policy document, as the shell writes it for this bucket.
    written = re.search(r"printf '%s\\n' '(.*?)' > (\S+)$", init, re.S | re.M)
    assert written.group(2) == created
    policy = json.loads(written.group(1).replace("'\"$bucket\"'", bucket))
    allowed = {}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        for resource in statement["Resource"]:
            allowed.setdefault(resource, set()).update(statement["Action"])
    assert set(allowed) == {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"}
    assert {"s3:ListBucket"} <= allowed[f"arn:aws:s3:::{bucket}"]
    assert {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"} <= allowed[f"arn:aws:s3:::{bucket}/*"]
    assert not any("*" in action or action.startswith("admin:") for actions in allowed.values() for action in actions)
    # Never the root account for the app: the script refuses the same key id.
    assert '[ "$S3_ACCESS_KEY_ID" = "$MINIO_ROOT_USER" ]' in init


def test_s3_init_runs_twice_against_a_recording_mc(services, tmp_path):
    """The script as the mc image runs it (sh, environment from the env files): every step is a command that may
    run again, the policy it writes is valid JSON for the bucket, and the root user as the app's is refused."""
    import json
    import os
    import shutil

    sh = shutil.which("sh")
    if not sh:
        pytest.skip("no sh")
    script = tmp_path / "s3-init.sh"
    script.write_text(_s3_init_script(services).replace("/tmp/app-policy.json", str(tmp_path / "app-policy.json")))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "mc.log"
    (bin_dir / "mc").write_text(f'#!/bin/sh\necho "$*" >> {log}\n')
    (bin_dir / "mc").chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "MINIO_ROOT_USER": "root-user",
        "MINIO_ROOT_PASSWORD": "root-password",
        "S3_ACCESS_KEY_ID": "app-user",
        "S3_SECRET_ACCESS_KEY": "app-secret",
        **{k: str(v) for k, v in _environment(services["s3-init"]).items()},
    }
    for _ in range(2):
        assert subprocess.run([sh, str(script)], env=env, capture_output=True, text=True).returncode == 0
    calls = log.read_text().splitlines()
    assert calls[: len(calls) // 2] == calls[len(calls) // 2 :]
    assert "alias set store http://s3:9000 root-user root-password" in calls
    assert "admin user add store app-user app-secret" in calls
    assert "admin policy attach store qingfeng-app --user app-user" in calls
    assert not any("root-user" in call for call in calls if not call.startswith("alias set"))
    policy = json.loads((tmp_path / "app-policy.json").read_text())
    assert {r for st in policy["Statement"] for r in st["Resource"]} == {
        "arn:aws:s3:::qingfeng",
        "arn:aws:s3:::qingfeng/*",
    }

    log.unlink()
    refused = subprocess.run(
        [sh, str(script)], env={**env, "S3_ACCESS_KEY_ID": "root-user"}, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "MINIO_ROOT_USER" in refused.stderr and not log.exists()


def test_the_proxy_publishes_only_the_public_media_prefix(services):
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    bucket = _environment(services["web"])["S3_BUCKET"]
    media = re.search(r"location /media/ \{(.*?)\n    \}", conf, re.S).group(1)
    assert f"rewrite ^/media/(.*)$ /{bucket}/media/$1 break;" in media and "limit_except GET HEAD" in media
    # The store is reached by this rewrite alone: no other prefix of the bucket (private/, audit/) is reachable.
    assert re.findall(r"rewrite \S+ (\S+)", conf) == [f"/{bucket}/media/$1"]
    assert re.findall(r"proxy_pass (\S+);", conf) == ["$objects", "$web"]
    assert services["proxy"].get("volumes") == ["./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro"]


def test_the_image_puts_files_where_the_volumes_are_mounted():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for setting in (
        "MEDIA_ROOT=/data/media",
        "COMPLAINTS_PRIVATE_ROOT=/data/private",
        "SUPERVISION_CHECKPOINT_DIR=/data/audit_checkpoints",
    ):
        assert setting in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M), "the image must not run as root"
    assert "collectstatic" in dockerfile


def test_no_secret_is_written_into_compose_or_the_image(services):
    for name, service in services.items():
        for key, value in _environment(service).items():
            assert not SECRET_NAME.search(key), f"{name}: {key} belongs in .env.production"
            assert "://" not in str(value) or "@" not in str(value), f"{name}: credentials in {key}"
    for name in ("web", "worker", "migrate", "db", "backup"):
        assert services[name]["env_file"] == ".env.production"
    dockerfile = (ROOT / "Dockerfile").read_text()
    env_block = re.findall(r"^ENV (.*?)(?=^\S)", dockerfile, re.M | re.S)
    assert env_block and not any(SECRET_NAME.search(block) for block in env_block)
    dockerignore = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in dockerignore and ".env.*" in dockerignore
    tracked = subprocess.run(["git", "ls-files", ".env.production"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked == ""


def test_production_env_example_names_every_secret_the_settings_require():
    example = (ROOT / ".env.production.example").read_text()
    production = (ROOT / "config" / "settings" / "production.py").read_text()
    required = set(re.findall(r"env(?:\.list)?\(\"([A-Z_]+)\"\)", production))
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "COMPLAINTS_ENCRYPTION_KEYS"} <= required
    documented = set(re.findall(r"^([A-Z_]+)=", example, re.M))
    assert required <= documented
    assert "DATABASE_URL" in documented and "POSTGRES_PASSWORD" in documented


def test_every_service_that_others_wait_for_has_a_healthcheck(services):
    for name in ("db", "redis", "web"):
        assert services[name]["healthcheck"]["test"], name
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["web"]["healthcheck"]["test"] == ["CMD", "scripts/serve.sh", "healthcheck"]


def test_every_file_compose_refers_to_exists(services):
    serve = (ROOT / "scripts" / "serve.sh").read_text()
    for name, service in services.items():
        if "build" in service:
            assert (ROOT / service["build"] / "Dockerfile").exists()
            if service["build"] != ".":
                continue  # an image of its own (the caching proxy), not the application's
            # The image's entry point is scripts/serve.sh: every command must be one of its subcommands.
            assert re.search(rf"^  {service['command'][0]}\)", serve, re.M), f"{name}: {service['command']}"
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source}"
    assert 'ENTRYPOINT ["scripts/serve.sh"]' in (ROOT / "Dockerfile").read_text()
    assert (ROOT / "scripts" / "serve.sh").stat().st_mode & 0o111


def test_the_proxy_forwards_scheme_and_host_and_logs_no_client_address():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-Proto" in conf
    assert "proxy_set_header X-Forwarded-Host $host" in conf
    log_format = re.search(r"log_format \w+ (.*?);", conf, re.S).group(1)
    assert "$remote_addr" not in log_format and "$http_x_forwarded_for" not in log_format


def test_the_proxy_forwards_the_client_and_the_web_service_trusts_only_the_compose_network(compose, services):
    """nginx appends the peer it saw to X-Forwarded-For; Django believes that header only from the compose network
    (core/client.py), so that every address-keyed rate limit counts clients, not the proxy."""
    import ipaddress

    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;", nginx)
    subnets = [ipaddress.ip_network(c["subnet"]) for c in compose["networks"]["default"]["ipam"]["config"]]
    trusted = [ipaddress.ip_network(c) for c in _environment(services["web"])["TRUSTED_PROXIES"].split(",")]
    assert trusted and all(any(net.subnet_of(subnet) for subnet in subnets) for net in trusted)
    assert not any(net.prefixlen == 0 for net in trusted)
