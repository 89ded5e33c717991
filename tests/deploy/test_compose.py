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
    init = " ".join(services["s3-init"]["command"])
    bucket = _environment(services["web"])["S3_BUCKET"]
    assert f"mc mb --ignore-existing store/{bucket}" in init
    assert re.findall(r"mc anonymous set \w+ (\S+)", init) == [f"store/{bucket}/media"]
    assert services["s3"]["healthcheck"]["test"]


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
