"""Makes and checks vectors.json with Confluent's Python client, so that the Go tests prove
that fields encrypted by Python's FieldEncryptionExecutor decrypt in Go, and the reverse.

    python3 -m venv ../../../../test/kms/.venv-encrypt
    ../../../../test/kms/.venv-encrypt/bin/pip install 'confluent-kafka[schemaregistry,rules]==2.16.0'
    ../../../../test/kms/.venv-encrypt/bin/python vectors.py make   # DEKs and Python's ciphertexts
    go test ./serde/rules/encryption -run TestVectors -args -write-go-vectors   # Go's ciphertexts
    ../../../../test/kms/.venv-encrypt/bin/python vectors.py check  # Python decrypts both

The DEKs are fixed (so that Go can be given the same ones through its fake registry) and
wrapped with Python's LocalKmsClient. Each case runs Python's own executor transform, with
Confluent's mock DEK registry client seeded with those DEKs, in WRITE mode ("python") and in
READ mode on both "python" and "go".
"""
import base64
import json
import sys
from pathlib import Path

from confluent_kafka.schema_registry.rules.encryption.dek_registry.dek_registry_client import (
    DekAlgorithm,
    DekRegistryClient,
)
from confluent_kafka.schema_registry.rules.encryption.encrypt_executor import EncryptionExecutor
from confluent_kafka.schema_registry.rules.encryption.localkms.local_client import LocalKmsClient
from confluent_kafka.schema_registry.rules.encryption.localkms.local_driver import LocalKmsDriver
from confluent_kafka.schema_registry import RuleMode
from confluent_kafka.schema_registry.serde import FieldType
from tink.proto import aes_gcm_pb2, aes_siv_pb2

PATH = Path(__file__).with_name("vectors.json")
SECRET = "correct horse battery staple"
KEK = {"name": "kek1", "kmsType": "local-kms", "kmsKeyId": "mykey"}
SUBJECT = "orders-value"
KEY_SIZES = {"AES128_GCM": 16, "AES256_GCM": 32, "AES256_SIV": 64}
DEK_VERSIONS = [("AES256_GCM", 1), ("AES256_GCM", 2), ("AES256_SIV", 1), ("AES256_SIV", 2), ("AES128_GCM", 1)]
CASES = [
    # name, algorithm, expiry days, field type, plaintext (BYTES: base64)
    ("gcm-string", "AES256_GCM", 0, "STRING", "alice@example.com"),
    ("gcm-bytes", "AES256_GCM", 0, "BYTES", base64.b64encode(bytes(range(40))).decode()),
    ("gcm-rotated", "AES256_GCM", 30, "STRING", "alice@example.com"),
    ("siv-string", "AES256_SIV", 0, "STRING", "alice@example.com"),
    ("siv-rotated", "AES256_SIV", 30, "STRING", "bob"),
    ("siv-bytes", "AES256_SIV", 0, "BYTES", base64.b64encode(b"\x00\x01\xfe\xff").decode()),
    ("aes128-gcm-string", "AES128_GCM", 0, "STRING", "unicode: \u00e9t\u00e9 \u2603"),
    ("gcm-empty-string", "AES256_GCM", 0, "STRING", ""),
]


def raw_dek(algorithm: str, version: int) -> bytes:
    """A serialized Tink key proto, as Confluent's executors make them, of a fixed key."""
    key = bytes((version * 31 + i) % 256 for i in range(KEY_SIZES[algorithm]))
    if algorithm == "AES256_SIV":
        return aes_siv_pb2.AesSivKey(version=0, key_value=key).SerializeToString()
    return aes_gcm_pb2.AesGcmKey(version=0, key_value=key).SerializeToString()


class Ctx:
    """The part of Confluent's RuleContext the encryption transform reads."""

    def __init__(self, mode, algorithm, expiry_days):
        self.rule_mode = mode
        self.subject = SUBJECT
        self.params = {
            "encrypt.kek.name": KEK["name"],
            "encrypt.kms.type": KEK["kmsType"],
            "encrypt.kms.key.id": KEK["kmsKeyId"],
            "encrypt.dek.algorithm": algorithm,
        }
        if expiry_days:
            self.params["encrypt.dek.expiry.days"] = str(expiry_days)

    def get_parameter(self, name):
        return self.params.get(name)


def executor(vectors) -> EncryptionExecutor:
    ex = EncryptionExecutor()
    ex.configure({"url": "mock://vectors"}, {"secret": vectors["secret"]})
    client: DekRegistryClient = ex.client
    client.register_kek(KEK["name"], KEK["kmsType"], KEK["kmsKeyId"], False)
    for d in vectors["deks"]:
        client.register_dek(KEK["name"], SUBJECT, d["encryptedKeyMaterial"], DekAlgorithm[d["algorithm"]], d["version"])
    return ex


def to_value(field_type, s):
    return s if field_type == "STRING" else base64.b64decode(s)


def from_value(field_type, v):
    return v if field_type == "STRING" else base64.b64encode(v).decode()


def run(ex, mode, case, value):
    ctx = Ctx(mode, case["algorithm"], case["expiryDays"])
    field_type = FieldType[case["type"]]
    out = ex.new_transform(ctx).transform(ctx, field_type, to_value(case["type"], value))
    return from_value(case["type"], out)


def make(vectors):
    LocalKmsDriver.register()
    aead = LocalKmsClient(vectors["secret"]).get_aead("local-kms://" + KEK["kmsKeyId"])
    vectors["deks"] = [
        {
            "algorithm": alg,
            "version": v,
            "keyMaterial": base64.b64encode(raw_dek(alg, v)).decode(),
            "encryptedKeyMaterial": base64.b64encode(aead.encrypt(raw_dek(alg, v), b"")).decode(),
        }
        for alg, v in DEK_VERSIONS
    ]
    ex = executor(vectors)
    vectors["cases"] = []
    for name, alg, days, typ, plaintext in CASES:
        case = {"name": name, "algorithm": alg, "expiryDays": days, "type": typ, "plaintext": plaintext}
        case["python"] = run(ex, RuleMode.WRITE, case, plaintext)
        vectors["cases"].append(case)


def check(vectors):
    LocalKmsDriver.register()
    ex = executor(vectors)
    for case in vectors["cases"]:
        for who in ("python", "go"):
            if who not in case:
                continue
            got = run(ex, RuleMode.READ, case, case[who])
            assert got == case["plaintext"], f"{case['name']}: {who}'s ciphertext decrypts to {got!r}"
            print(f"{case['name']}: {who}: ok")


def main(mode: str) -> None:
    vectors = json.loads(PATH.read_text()) if PATH.exists() else {}
    vectors.setdefault("secret", SECRET)
    vectors["kek"], vectors["subject"] = KEK, SUBJECT
    if mode == "make":
        make(vectors)
        PATH.write_text(json.dumps(vectors, indent=2, ensure_ascii=False) + "\n")
    check(vectors)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "check")
