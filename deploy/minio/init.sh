#!/bin/sh
# compose.yaml's one-shot s3-init (the mc image): with MinIO's root account, which only the s3 service and this
# script receive (.env.minio), prepare the store for the app, whose containers never hold the root keys:
#   - the bucket S3_BUCKET;
#   - anonymous read of its media/ prefix only (what the proxy serves at /media/);
#   - a policy limited to that bucket (what django-storages' S3 backend calls: get, head, put, delete, list,
#     multipart uploads) and the app's own user, S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, with that policy alone.
# Every step may run again (docs/production.md#files): `mc mb --ignore-existing`; `policy create` and `user add`
# replace the policy and the secret key; attaching a policy already attached succeeds (mc since 2024-10,
# minio/mc#5058). Shell built-ins only besides mc, for the minimal mc image.
set -eu

: "${MINIO_ROOT_USER:?MINIO_ROOT_USER is not set: .env.minio}"
: "${MINIO_ROOT_PASSWORD:?MINIO_ROOT_PASSWORD is not set: .env.minio}"
: "${S3_ACCESS_KEY_ID:?S3_ACCESS_KEY_ID is not set: .env.production}"
: "${S3_SECRET_ACCESS_KEY:?S3_SECRET_ACCESS_KEY is not set: .env.production}"
bucket="${S3_BUCKET:?S3_BUCKET is not set}"
endpoint="${S3_ENDPOINT_URL:-http://s3:9000}"
policy="${S3_APP_POLICY:-qingfeng-app}"

if [ "$S3_ACCESS_KEY_ID" = "$MINIO_ROOT_USER" ]; then
  echo "s3-init: S3_ACCESS_KEY_ID must differ from MINIO_ROOT_USER: the app gets a user of its own, not the root account" >&2
  exit 1
fi

mc alias set store "$endpoint" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "store/$bucket"
mc anonymous set download "store/$bucket/media"

printf '%s\n' '{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      "Resource": ["arn:aws:s3:::'"$bucket"'"]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      "Resource": ["arn:aws:s3:::'"$bucket"'/*"]
    }
  ]
}' > /tmp/app-policy.json
mc admin policy create store "$policy" /tmp/app-policy.json
mc admin user add store "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY"
mc admin policy attach store "$policy" --user "$S3_ACCESS_KEY_ID"
echo "s3-init: bucket $bucket ready; the app's user $S3_ACCESS_KEY_ID has policy $policy"
