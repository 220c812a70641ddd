#!/usr/bin/env python3
"""Decrypts an object written with client-side encryption, independently of the connector:
the envelope of the AWS S3 Encryption Client v2 with an AES master key ("AES/GCM" key wrap,
content "AES/GCM/NoPadding" with a 128-bit tag appended), using the `cryptography` package.
Usage: decrypt_envelope.py MASTER_KEY_BASE64 METADATA_JSON < ciphertext > plaintext
Fails (non-zero) if the key is wrong or a byte was altered: GCM authenticates both."""
import base64
import json
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

master = base64.b64decode(sys.argv[1])
meta = json.loads(sys.argv[2])
assert meta["x-amz-cek-alg"] == "AES/GCM/NoPadding" and meta["x-amz-wrap-alg"] == "AES/GCM" and meta["x-amz-tag-len"] == "128", meta
wrapped = base64.b64decode(meta["x-amz-key-v2"])
data_key = AESGCM(master).decrypt(wrapped[:12], wrapped[12:], b"AES/GCM/NoPadding")
plain = AESGCM(data_key).decrypt(base64.b64decode(meta["x-amz-iv"]), sys.stdin.buffer.read(), None)
sys.stdout.buffer.write(plain)
