#!/usr/bin/env python3
"""Independent read-back of a written object, with none of the connector's code: Python's own gzip,
csv and json modules, fastavro (Apache Avro's fast Python implementation) for Avro, and pyarrow and DuckDB for Parquet. Reads the
object's bytes on stdin and prints {"rows": [...]} as JSON, where a CSV row is a dict keyed by the
header row; for Avro also the file's codec and writer schema."""
import base64
import csv
import datetime
import decimal
import gzip
import io
import json
import sys
import uuid

fmt = sys.argv[1]
raw = sys.stdin.buffer.read()
if raw[:2] == b"\x1f\x8b":
    raw = gzip.decompress(raw)
meta = {}
if fmt in ("jsonl", "csv"):
    text = raw.decode("utf-8")
if fmt == "jsonl":
    rows = [json.loads(line) for line in text.split("\n") if line != ""]
elif fmt == "avro":
    import fastavro

    reader = fastavro.reader(io.BytesIO(raw))
    rows = list(reader)
    meta = {"codec": reader.codec, "schema": reader.writer_schema}
elif fmt == "parquet-pyarrow":
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(io.BytesIO(raw))
    rows = parquet.read().to_pylist()
    md = parquet.metadata
    chunks = [md.row_group(g).column(c) for g in range(md.num_row_groups) for c in range(md.num_columns)]
    meta = {
        "row_groups": md.num_row_groups,
        "codecs": sorted({c.compression for c in chunks}),
        "dictionary_pages": sum(1 for c in chunks if c.has_dictionary_page),
    }
elif fmt == "parquet-duckdb":
    import os
    import tempfile

    import duckdb

    with tempfile.NamedTemporaryFile(suffix=".parquet", delete=False) as f:
        f.write(raw)
    try:
        relation = duckdb.sql(f"select * from read_parquet('{f.name}')")
        names = relation.columns
        rows = [dict(zip(names, r)) for r in relation.fetchall()]
    finally:
        os.unlink(f.name)
elif fmt == "csv":
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = next(reader)
    rows = [dict(zip(header, r, strict=True)) for r in reader]
else:
    raise SystemExit(f"unknown format {fmt}")


def plain(value):
    """JSON for what the readers return: timestamps as ISO 8601 text, ints beyond 2^53 as strings."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot serialise {type(value)}")


def big_ints_as_text(value):
    if isinstance(value, bool):
        return value
    # pyarrow returns a MAP as a list of (key, value) tuples
    if isinstance(value, list) and value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return {k: big_ints_as_text(v) for k, v in value}
    if isinstance(value, int) and abs(value) > 2**53:
        return str(value)
    if isinstance(value, list):
        return [big_ints_as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: big_ints_as_text(v) for k, v in value.items()}
    return value


json.dump({"rows": big_ints_as_text(rows), **meta}, sys.stdout, default=plain)
