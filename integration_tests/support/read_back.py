#!/usr/bin/env python3
"""Independent read-back of a written object: Python's own gzip, csv and json modules, none of the
connector's code. Reads the object's bytes on stdin and prints {"rows": [...]} as JSON, where a CSV
row is a dict keyed by the header row."""
import csv
import gzip
import io
import json
import sys

fmt = sys.argv[1]
raw = sys.stdin.buffer.read()
if raw[:2] == b"\x1f\x8b":
    raw = gzip.decompress(raw)
text = raw.decode("utf-8")
if fmt == "jsonl":
    rows = [json.loads(line) for line in text.split("\n") if line != ""]
elif fmt == "csv":
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = next(reader)
    rows = [dict(zip(header, r, strict=True)) for r in reader]
else:
    raise SystemExit(f"unknown format {fmt}")
json.dump({"rows": rows}, sys.stdout)
