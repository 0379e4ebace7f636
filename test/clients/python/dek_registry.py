"""Drives an Accord server's DEK Registry through every method of confluent-kafka's
DekRegistryClient, as Confluent's FieldEncryptionExecutor calls them.

Usage: python dek_registry.py URL

Every step is one client call (or one error it must raise) compared with what Confluent's DEK
Registry answers; each prints one line. The script exits non-zero on the first difference, and
fails if the client has a public method that no step called. Its last line is
"python dek client: N calls checked, M methods". Run by test/dekregistry_test.go on a fresh
server.
"""

import base64
import inspect
import sys

from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.rules.encryption.dek_registry.dek_registry_client import (
    DekAlgorithm, DekRegistryClient)

checked = 0
called = set()


def step(name, got, want):
    global checked
    if got != want:
        print(f"FAIL {name}: got {got!r}, want {want!r}")
        sys.exit(1)
    checked += 1
    print(f"ok {name}")


def fails(name, fn, status, code):
    global checked
    try:
        fn()
    except SchemaRegistryError as e:
        if e.http_status_code != status or e.error_code != code:
            print(f"FAIL {name}: got {e.http_status_code}/{e.error_code} {e}, want {status}/{code}")
            sys.exit(1)
        checked += 1
        print(f"ok {name}: {status}/{code}")
        return
    print(f"FAIL {name}: no error, want {status}/{code}")
    sys.exit(1)


def main():
    url = sys.argv[1]
    conf = {"url": url}
    client = DekRegistryClient.new_client(conf)
    called.add("new_client")
    step("new_client builds a real client", type(client), DekRegistryClient)
    step("config", client.config(), conf)
    called.add("config")

    with DekRegistryClient(conf) as c:
        called.update(["__enter__", "__exit__"])
        fails("get_kek of an unknown KEK", lambda: c.get_kek("kek1"), 404, 40470)
        kek = c.register_kek("kek1", "local-kms", "mykey", shared=False)
        called.add("register_kek")
        step("register_kek name", (kek.name, kek.kms_type, kek.kms_key_id, kek.shared, kek.deleted),
             ("kek1", "local-kms", "mykey", False, False))
        step("register_kek kmsProps", kek.kms_props.properties, {})
        step("register_kek ts", isinstance(kek.ts, int) and kek.ts > 0, True)

    # A fresh client, so that its caches do not answer.
    c = DekRegistryClient(conf)
    got = c.get_kek("kek1")
    called.add("get_kek")
    step("get_kek", (got.name, got.kms_type, got.kms_key_id, got.doc), ("kek1", "local-kms", "mykey", None))
    step("get_kek deleted=True", c.get_kek("kek1", deleted=True).name, "kek1")
    step("get_kek with a context", c.get_kek("kek1", context=".ctx").name, "kek1")
    fails("register_kek of an existing KEK", lambda: DekRegistryClient(conf).register_kek("kek1", "local-kms", "other"), 409, 40971)
    fails("register_kek with a bad name", lambda: DekRegistryClient(conf).register_kek("1kek", "local-kms", "k"), 422, 42271)
    doc = DekRegistryClient(conf).register_kek("kek2", "aws-kms", "arn:aws:kms:us-east-1:111122223333:key/k",
                                               kms_props={"b": "2", "a": "1"}, doc="d", context=".ctx")
    step("register_kek with props, doc and context", (doc.kms_props.properties, doc.doc), ({"a": "1", "b": "2"}, "d"))

    material = base64.b64encode(b"wrapped by the client").decode()
    dek = c.register_dek("kek1", "orders-value", material)
    called.add("register_dek")
    step("register_dek", (dek.kek_name, dek.subject, dek.version, dek.algorithm, dek.encrypted_key_material, dek.key_material),
         ("kek1", "orders-value", 1, DekAlgorithm.AES256_GCM, material, None))
    fails("register_dek again", lambda: DekRegistryClient(conf).register_dek("kek1", "orders-value", material), 409, 40971)
    v2 = c.register_dek("kek1", "orders-value", material, version=2)
    step("register_dek version 2", v2.version, 2)
    siv = c.register_dek("kek1", ":.ctx:orders/value", material, algorithm=DekAlgorithm.AES256_SIV)
    step("register_dek AES256_SIV with a context and a slash", (siv.subject, siv.algorithm),
         (":.ctx:orders/value", DekAlgorithm.AES256_SIV))
    fails("register_dek without material", lambda: c.register_dek("kek1", "other-value", None), 422, 42271)
    fails("register_dek under an unknown KEK", lambda: c.register_dek("nope", "s", material), 404, 40470)

    fresh = DekRegistryClient(conf)
    got = fresh.get_dek("kek1", "orders-value")
    called.add("get_dek")
    step("get_dek version 1", (got.version, got.encrypted_key_material, got.get_encrypted_key_material_bytes()),
         (1, material, b"wrapped by the client"))
    step("get_dek ts", isinstance(got.ts, int) and got.ts > 0, True)
    step("get_dek latest (-1)", fresh.get_dek("kek1", "orders-value", version=-1).version, 2)
    step("get_dek deleted=True", fresh.get_dek("kek1", "orders-value", version=2, deleted=True).version, 2)
    step("get_dek AES256_SIV", fresh.get_dek("kek1", ":.ctx:orders/value", algorithm=DekAlgorithm.AES256_SIV).subject,
         ":.ctx:orders/value")
    fails("get_dek of a missing version", lambda: fresh.get_dek("kek1", "orders-value", version=3), 404, 40470)
    fails("get_dek of a missing subject", lambda: fresh.get_dek("kek1", "missing-value"), 404, 40470)
    fails("get_dek under an unknown KEK", lambda: fresh.get_dek("nope", "orders-value"), 404, 40470)

    methods = {name for name, _ in inspect.getmembers(DekRegistryClient, inspect.isfunction)
               if not name.startswith("_") or name in ("__enter__", "__exit__")}
    methods.discard("__init__")
    uncalled = methods - called
    if uncalled:
        print(f"FAIL methods no step called: {sorted(uncalled)}")
        sys.exit(1)
    print(f"python dek client: {checked} calls checked, {len(methods)} methods")


if __name__ == "__main__":
    main()
