#!/usr/bin/env bash
# Interoperability suite (issue: PyAirbyte, airbyte-source-faker, a second S3): builds the
# connector, prepares PyAirbyte in a cached virtualenv, starts MinIO (or Ceph RGW when MinIO
# cannot be built) on 127.0.0.1 unless S3_ENDPOINT is set, and runs pyairbyte_faker.py.
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
here=integration_tests/interop

venv=${PYAIRBYTE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/destination-s3/pyairbyte}
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"

npm run build >/dev/null

server=""
if [ -z "${S3_ENDPOINT:-}" ]; then
  if bash scripts/s3/minio.sh build; then
    server="scripts/s3/minio.sh"; dir=${TMPDIR:-/tmp}/destination-s3-interop-minio; port=9330
  else
    echo "interop: MinIO could not be built; using Ceph RGW" >&2
    server="scripts/s3/ceph-rgw.sh"; dir=${TMPDIR:-/tmp}/destination-s3-interop-rgw; port=7494
  fi
  set -a; eval "$(bash "$server" start "$dir" "$port")"; set +a
  trap 'bash "$server" stop "$dir" >/dev/null 2>&1 || true' EXIT
fi

# PyAirbyte runs a destination as one executable; this one runs the checkout's build.
bin=$(mktemp -d)/destination-s3
printf '#!/bin/sh\nexec node %q "$@"\n' "$PWD/dist/main.js" >"$bin"
chmod +x "$bin"

echo "interop: PyAirbyte $("$venv/bin/pip" show airbyte | sed -n 's/^Version: //p'), source-faker $("$venv/bin/pip" show airbyte-source-faker | sed -n 's/^Version: //p'), S3 at $S3_ENDPOINT (${S3_SERVER:-ceph})"
"$venv/bin/python" "$here/pyairbyte_faker.py" "$bin"
