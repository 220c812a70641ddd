#!/usr/bin/env python3
"""Runs one SQL query with DuckDB over files downloaded from the bucket and prints the rows as JSON.
Usage: duckdb_query.py SQL (the query refers to files by local path)."""
import json
import sys

import duckdb

relation = duckdb.sql(sys.argv[1])
names = relation.columns
json.dump([dict(zip(names, r)) for r in relation.fetchall()], sys.stdout, default=str)
