"""A real S3 API on 127.0.0.1: moto's server mode (moto[server], requirements.txt), on a free port.

The app talks to it exactly as to production's object store: django-storages' S3 backend over boto3 and HTTP, with
STORAGES built by config/storage.py from the same S3_* variables a deployment sets."""

import uuid
from types import SimpleNamespace

import pytest


@pytest.fixture(scope="session")
def s3_server():
    """The server's endpoint URL; the tests that need it are skipped only where moto is not installed."""
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def object_storage(s3_server, settings, monkeypatch):
    """STORAGES on a fresh bucket of the S3 server, as production configures them; `keys(prefix)` lists objects."""
    import boto3
    import environ

    from config.storage import s3_storages

    bucket = f"qingfeng-{uuid.uuid4().hex[:12]}"
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    client = boto3.client("s3", endpoint_url=s3_server, **credentials)
    client.create_bucket(Bucket=bucket)
    for name, value in {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": credentials["region_name"],
        "S3_ACCESS_KEY_ID": credentials["aws_access_key_id"],
        "S3_SECRET_ACCESS_KEY": credentials["aws_secret_access_key"],
        "S3_PUBLIC_URL": "http://testserver",
    }.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, **s3_storages(environ.Env())}

    def keys(prefix=""):
        listing = client.list_objects_v2(Bucket=bucket, Prefix=prefix)
        return [entry["Key"] for entry in listing.get("Contents", [])]

    def read(key):
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()

    return SimpleNamespace(client=client, bucket=bucket, endpoint=s3_server, keys=keys, read=read)
