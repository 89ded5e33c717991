"""settings.STORAGES on an S3-compatible object store (docs/configuration.md#files); core/storage.py uses them."""


def s3_storages(env) -> dict:
    """settings.STORAGES entries on an S3-compatible store (django-storages' S3 backend), from the environment."""
    common = {
        "bucket_name": env.str("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("S3_REGION", default="") or None,
        "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),
        "signature_version": "s3v4",
        # Names are ours and unique (random tokens or dated paths): never overwrite an object silently.
        "file_overwrite": False,
        "default_acl": None,
    }
    backend = "storages.backends.s3.S3Storage"
    public_url = env.str("S3_PUBLIC_URL", default="")
    return {
        "default": {
            "BACKEND": backend,
            "OPTIONS": {
                **common,
                "location": "media",
                # Public media is read by everyone (cached pages name it): plain URLs, S3_PUBLIC_URL/media/<name>,
                # which the proxy passes to the bucket's media/ prefix (deploy/nginx.conf).
                "querystring_auth": False,
                "custom_domain": public_url.split("://", 1)[-1].rstrip("/") or None,
                "url_protocol": (public_url.split("://", 1)[0] + ":") if "://" in public_url else "https:",
            },
        },
        "private": {"BACKEND": backend, "OPTIONS": {**common, "location": "private", "querystring_auth": True}},
        "audit": {"BACKEND": backend, "OPTIONS": {**common, "location": "audit", "querystring_auth": True}},
    }
