#!/usr/bin/env bash
# The testcontainers path of the integration suite, exercised without Docker: podman's
# Docker-compatible API on a private socket, and a MinIO image built locally from the binary
# scripts/s3/minio.sh compiles (no registry is reachable). Runs a representative part of the
# suite against it. Prints "testcontainers: N passed, N failed".
set -Eeuo pipefail
cd "$(dirname "$0")/.."
command -v podman >/dev/null || { echo "testcontainers: NOT RUN - podman is not installed"; exit 0; }
bash scripts/s3/minio.sh build
cache=$(bash -c 'source <(sed -n "/^MINIO_VERSION=/p;/^MINIO_CACHE=/p" scripts/s3/minio.sh); echo "$MINIO_CACHE"')
version=$(basename "$cache")
# The Containerfile starts FROM the node base image; make-base-image.sh provides it offline.
if [ -x ../shared/container/make-base-image.sh ]; then bash ../shared/container/make-base-image.sh >/dev/null; fi
image=localhost/destination-s3-minio:${version#minio-}
podman image exists "$image" || podman build --pull=never -q -t "$image" -f scripts/s3/minio.Containerfile "$cache" >/dev/null
sock=$(mktemp -u /tmp/podman-api-XXXX.sock)
podman system service --time=0 "unix://$sock" &
service=$!
trap 'kill $service 2>/dev/null || true; rm -f "$sock"' EXIT
for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done
npm run build >/dev/null
log=$(mktemp)
status=0
# Ryuk (testcontainers' reaper) is an image from a registry; the suite stops its container itself.
DOCKER_HOST=unix://$sock TESTCONTAINERS_RYUK_DISABLED=true S3_TEST_SERVER=testcontainers S3_TEST_MINIO_IMAGE=$image \
  NO_COLOR=1 npx vitest run --project integration integration_tests/write.test.ts integration_tests/object-options.test.ts \
  integration_tests/credentials.test.ts integration_tests/sync-modes.test.ts 2>&1 | tee "$log" || status=$?
summary=$(grep -E '^ +Tests +[0-9]' "$log" | tail -n 1 || true)
echo "testcontainers: $(grep -oE '[0-9]+ passed' <<<"$summary" || echo '0 passed'), $(grep -oE '[0-9]+ failed' <<<"$summary" || echo '0 failed')"
rm -f "$log"
exit "$status"
