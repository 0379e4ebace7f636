"""Makes and checks vectors.json with Confluent's Python client, so that the Go test proves
that DEKs wrapped by Python's LocalKmsClient open in Go, and the reverse.

    python3 -m venv .venv
    .venv/bin/pip install 'confluent-kafka[schemaregistry,rules]==2.16.0'
    .venv/bin/python vectors.py make    # wraps the DEK with Python: sets python_wrapped
    .venv/bin/python vectors.py check   # unwraps python_wrapped and go_wrapped with Python

go_wrapped is written by Go (see localkms_test.go) and only checked here.
"""
import base64
import json
import sys
from pathlib import Path

from confluent_kafka.schema_registry.rules.encryption.localkms.local_client import LocalKmsClient
from tink import aead as tink_aead
from tink.proto import aes_gcm_pb2

PATH = Path(__file__).with_name("vectors.json")


def dek() -> bytes:
    # A serialized Tink AesGcmKey, as Confluent's executors make for AES256_GCM.
    return aes_gcm_pb2.AesGcmKey(version=0, key_value=bytes(range(32))).SerializeToString()


def main(mode: str) -> None:
    tink_aead.register()  # as Confluent's encrypt_executor does on import
    vectors = json.loads(PATH.read_text()) if PATH.exists() else {}
    secret = vectors.setdefault("secret", "correct horse battery staple")
    aead = LocalKmsClient(secret).get_aead("local-kms://any-key-id")
    raw = dek()
    if mode == "make":
        vectors["dek"] = base64.b64encode(raw).decode()
        vectors["python_wrapped"] = base64.b64encode(aead.encrypt(raw, b"")).decode()
        PATH.write_text(json.dumps(vectors, indent=2) + "\n")
    for name in ("python_wrapped", "go_wrapped"):
        if name in vectors:
            got = aead.decrypt(base64.b64decode(vectors[name]), b"")
            assert got == raw, f"{name} unwraps to {got.hex()}, want {raw.hex()}"
            print(f"{name}: ok")
    assert base64.b64decode(vectors["dek"]) == raw


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "check")
