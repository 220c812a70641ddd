#!/usr/bin/env python3
"""A real orchestrator and a real source: PyAirbyte drives this connector (a local executable,
no Docker) through spec, check and one full sync of airbyte-source-faker per format into the S3
server on 127.0.0.1. The records the source produced (PyAirbyte's DuckDB cache, which is also
what PyAirbyte sends the destination) are compared row for row, by id, with what pyarrow,
fastavro, Python's json/csv and DuckDB read back from the bucket.

Usage: pyairbyte_faker.py DESTINATION_EXECUTABLE   (S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY set)
Prints one line per check and exits non-zero on the first mismatch.
"""
import csv
import datetime as dt
import gzip
import io
import json
import os
import sys
import tempfile
import time
from decimal import Decimal

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")  # no registry on this network
os.environ.setdefault("DO_NOT_TRACK", "1")

import subprocess  # noqa: E402

import airbyte as ab  # noqa: E402
from airbyte_protocol.models import AirbyteMessage  # noqa: E402
import boto3  # noqa: E402
import fastavro  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

RECORDS = int(os.environ.get("FAKER_COUNT", "10000"))
FORMATS = {
    "jsonl": {"format_type": "JSONL", "compression": {"compression_type": "GZIP"}},
    "csv": {"format_type": "CSV", "flattening": "No flattening", "compression": {"compression_type": "GZIP"}},
    "avro": {"format_type": "Avro", "compression_codec": {"codec": "snappy"}},
    "parquet": {"format_type": "Parquet", "compression_codec": "SNAPPY"},
}


def norm(v):
    """One representation for a value, whichever engine produced it."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float, Decimal)):
        return round(float(v), 6)
    if isinstance(v, dt.datetime):
        return (v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        s = v.strip()
        if s[:1] in "{[":
            try:
                return norm(json.loads(s))
            except ValueError:
                return v
        # PyAirbyte sends the cache's DECIMAL columns as strings ("15001.000000000").
        try:
            if s and s.lstrip("-").replace(".", "", 1).isdigit():
                return round(float(s), 6)
        except ValueError:
            pass
        if len(s) >= 19 and s[4:5] == "-" and s[10:11] in "T ":
            try:
                return norm(dt.datetime.fromisoformat(s.replace("Z", "+00:00")))
            except ValueError:
                return v
        return v
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items() if x is not None}
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    return v


def read_objects(s3, bucket, prefix):
    keys = []
    token = None
    while True:
        page = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, **({"ContinuationToken": token} if token else {}))
        keys += [o["Key"] for o in page.get("Contents", [])]
        if not page.get("IsTruncated"):
            return keys
        token = page["NextContinuationToken"]


def rows_of(kind, body):
    """The records' data in one file, as dicts, read by an engine other than ours."""
    if kind == "jsonl":
        return [json.loads(line)["_airbyte_data"] for line in gzip.decompress(body).decode().splitlines() if line]
    if kind == "csv":
        return [json.loads(r["_airbyte_data"]) for r in csv.DictReader(io.StringIO(gzip.decompress(body).decode()))]
    if kind == "avro":
        out = []
        for r in fastavro.reader(io.BytesIO(body)):
            extra = r.pop("_airbyte_additional_properties", None) or {}
            out.append({**{k: v for k, v in r.items() if not k.startswith("_airbyte_")}, **extra})
        return out
    table = pq.read_table(io.BytesIO(body))
    return [{k: v for k, v in r.items() if not k.startswith("_airbyte_")} for r in table.to_pylist()]


def main():
    executable = sys.argv[1]
    endpoint, key, secret = os.environ["S3_ENDPOINT"], os.environ["S3_ACCESS_KEY"], os.environ["S3_SECRET_KEY"]
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret, region_name="us-east-1")
    bucket = f"pyairbyte-{int(time.time())}"
    s3.create_bucket(Bucket=bucket)
    venv_bin = os.path.dirname(sys.executable)

    source = ab.get_source("source-faker", config={"count": RECORDS, "seed": 0, "parallelism": 1}, local_executable=os.path.join(venv_bin, "source-faker"))
    source.select_all_streams()
    cache = ab.new_local_cache(f"faker_{bucket.replace('-', '_')}", cache_dir=tempfile.mkdtemp())
    read = source.read(cache=cache)
    expected = {name: {row["id"]: row for row in (dict(r) for r in dataset)} for name, dataset in read.streams.items()}
    print(f"source-faker produced {', '.join(f'{len(v)} {k}' for k, v in expected.items())}")
    assert len(expected["users"]) >= RECORDS, "faker produced fewer users than asked"

    for kind, fmt in FORMATS.items():
        config = {
            "access_key_id": key, "secret_access_key": secret, "s3_bucket_name": bucket, "s3_bucket_path": kind,
            "s3_bucket_region": "", "s3_endpoint": endpoint, "format": fmt,
        }
        destination = ab.get_destination("destination-s3", config=config, local_executable=executable)
        assert "s3_bucket_name" in destination.config_spec["properties"], "spec lacks s3_bucket_name"
        destination.check()
        destination.write(read, write_strategy="append")
        for stream, want in expected.items():
            got = {}
            for k in read_objects(s3, bucket, f"{kind}/{stream}/"):
                for row in rows_of(kind, s3.get_object(Bucket=bucket, Key=k)["Body"].read()):
                    assert row["id"] not in got, f"{kind}/{stream}: id {row['id']} written twice"
                    got[row["id"]] = row
            assert set(got) == set(want), f"{kind}/{stream}: {len(got)} ids written, {len(want)} produced"
            for id_, source_row in want.items():
                for column, value in source_row.items():
                    if column.startswith("_airbyte_"):
                        continue
                    a, b = norm(value), norm(got[id_].get(column))
                    assert a == b, f"{kind}/{stream} id {id_} column {column}: source {a!r}, file {b!r}"
            print(f"{kind}: {stream}: {len(got)} rows equal to the source's, column by column")
    validate_messages(executable, config, {k: list(v.values())[:50] for k, v in expected.items()})
    print("pyairbyte interop: passed")


def validate_messages(executable, config, samples):
    """Every line the connector prints for spec, check and a write parses as an AirbyteMessage of
    airbyte-protocol-models (pydantic), the models PyAirbyte and the Airbyte platform use."""
    work = tempfile.mkdtemp()
    config_path = os.path.join(work, "config.json")
    catalog_path = os.path.join(work, "catalog.json")
    with open(config_path, "w") as f:
        json.dump(config, f)
    with open(catalog_path, "w") as f:
        json.dump({"streams": [{"stream": {"name": n, "json_schema": {"type": "object", "properties": {}}, "supported_sync_modes": ["full_refresh"]},
                                "sync_mode": "full_refresh", "destination_sync_mode": "append"} for n in samples]}, f)
    lines = [json.dumps({"type": "RECORD", "record": {"stream": n, "emitted_at": 1, "data": {k: norm(v) for k, v in r.items() if not k.startswith("_airbyte_")}}})
             for n, rows in samples.items() for r in rows]
    lines.append(json.dumps({"type": "STATE", "state": {"type": "GLOBAL", "global": {"shared_state": {"done": True}, "stream_states": []}}}))
    kinds = {}
    for args, stdin in ((["spec"], ""), (["check", "--config", config_path], ""), (["write", "--config", config_path, "--catalog", catalog_path], "\n".join(lines) + "\n")):
        out = subprocess.run([executable, *args], input=stdin, capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            message = AirbyteMessage.model_validate_json(line)
            kinds[message.type.value] = kinds.get(message.type.value, 0) + 1
    assert {"SPEC", "CONNECTION_STATUS", "STATE", "LOG"} <= set(kinds), kinds
    print(f"protocol: every message valid per airbyte-protocol-models ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))})")


if __name__ == "__main__":
    main()
