#!/usr/bin/env bash
# A second real S3 on 127.0.0.1: MinIO, built from source with Go (the module proxy is reachable;
# no image registry is). Usage:
#   scripts/s3/minio.sh build              # go install, cached in $MINIO_CACHE (about 4 minutes the first time)
#   scripts/s3/minio.sh start [DIR] [PORT] # prints S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY/S3_REGION lines on stdout
#   scripts/s3/minio.sh stop [DIR]
# The server runs with a static KMS key, so SSE-S3 and SSE-KMS work, and with credentials long
# enough for MinIO (it requires a secret of 8 characters or more).
set -Eeuo pipefail

# A pinned commit (the module proxy's pseudo-version), so every machine builds the same server.
MINIO_VERSION=${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}
MINIO_CACHE=${MINIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/destination-s3/minio-$MINIO_VERSION}
BIN=$MINIO_CACHE/minio

cmd=${1:-}
dir=${2:-${TMPDIR:-/tmp}/destination-s3-minio}
port=${3:-9300}
user=${MINIO_ACCESS_KEY:-S3RVER}
secret=${MINIO_SECRET_KEY:-S3RVERS3RVER}

build() {
  if [ -x "$BIN" ]; then return 0; fi
  command -v go >/dev/null || { echo "minio.sh: Go is not installed; cannot build MinIO" >&2; return 1; }
  echo "minio.sh: building MinIO $MINIO_VERSION with $(go version) (cached in $MINIO_CACHE)..." >&2
  mkdir -p "$MINIO_CACHE"
  GOBIN=$MINIO_CACHE GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION" >&2
}

case "$cmd" in
  build) build ;;
  start)
    build
    if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then :; else
      rm -rf "$dir" && mkdir -p "$dir/data"
      # A fixed test key (32 zero bytes): this server is throwaway and bound to loopback.
      # A declared region makes MinIO refuse requests signed for another one, as AWS does
      # (MINIO_TEST_REGION picks another, for the region-discovery test).
      MINIO_SITE_REGION=${MINIO_TEST_REGION:-us-east-1} MINIO_ROOT_USER=$user MINIO_ROOT_PASSWORD=$secret MINIO_KMS_SECRET_KEY="destination-s3-test:$(head -c 32 /dev/zero | base64)" \
        MINIO_BROWSER=off MINIO_UPDATE=off \
        nohup "$BIN" server --quiet --address "127.0.0.1:$port" "$dir/data" >"$dir/log" 2>&1 &
      echo $! >"$dir/pid"
      for _ in $(seq 1 100); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$port/minio/health/ready" 2>/dev/null; then break; fi
        sleep 0.2
      done
      curl -fsS -o /dev/null "http://127.0.0.1:$port/minio/health/ready" || { cat "$dir/log" >&2; exit 1; }
    fi
    echo "S3_ENDPOINT=http://127.0.0.1:$port"
    echo "S3_ACCESS_KEY=$user"
    echo "S3_SECRET_KEY=$secret"
    echo "S3_REGION=${MINIO_TEST_REGION:-us-east-1}"
    echo "S3_SERVER=minio"
    ;;
  stop)
    if [ -f "$dir/pid" ]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; rm -f "$dir/pid"; fi
    ;;
  *) echo "usage: $0 build | start [DIR] [PORT] | stop [DIR]" >&2; exit 2 ;;
esac
