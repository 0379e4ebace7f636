"""Drives an Accord server through every method of confluent-kafka's SchemaRegistryClient, and
round-trips values through its Avro, JSON Schema and Protobuf serdes.

Usage: python roundtrip.py URL [--user NAME:PASSWORD] [--ca FILE [--cert FILE --key FILE]]
                             [--incompatible-code N]

  --user               send HTTP Basic credentials (basic.auth.user.info); the script then
                       also checks that clients without them, or with a wrong password, get 401
  --ca                 CA certificate that signs the server's (ssl.ca.location), for https URLs;
                       the script then also checks that a client without it cannot connect
  --cert, --key        client certificate and its key (ssl.certificate.location and
                       ssl.key.location) for a server that requires one; the script then also
                       checks that a client without one cannot connect
  --incompatible-code  error_code the server answers an incompatible registration with
                       (accord serve --incompatible-error-code; Confluent's is 409)

Every step is one client call whose result is compared with what Confluent Schema Registry
answers; each prints one line. The script exits non-zero on the first difference, and fails if
the client has a method that no step called. Its last line is
"python client: N calls checked, M methods (K talk to the registry), schema types T1,T2,...".
Run by test/clients_test.go on a fresh server.
"""

import argparse
import inspect
import json

from confluent_kafka.schema_registry import (AssociationCreateOrUpdateInfo, AssociationCreateOrUpdateRequest,
                                             ConfigCompatibilityLevel, Metadata, MetadataProperties, Schema,
                                             SchemaReference, SchemaRegistryClient, ServerConfig)
from confluent_kafka.schema_registry.common.schema_registry_client import SchemaVersion
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

ORDER = {"type": "record", "name": "Order", "namespace": "shop",
         "fields": [{"name": "id", "type": "long"}, {"name": "total", "type": "double"}]}
ORDER_V2 = dict(ORDER, fields=ORDER["fields"] + [{"name": "note", "type": ["null", "string"], "default": None}])
ORDER_V3 = dict(ORDER, fields=ORDER_V2["fields"] + [{"name": "channel", "type": "string", "default": "web"}])
BREAKING = dict(ORDER, fields=ORDER["fields"] + [{"name": "required", "type": "string"}])
ADDRESS = {"type": "record", "name": "Address", "namespace": "shop", "fields": [{"name": "city", "type": "string"}]}
CUSTOMER = {"type": "record", "name": "Customer", "namespace": "shop", "fields": [{"name": "home", "type": "shop.Address"}]}
# As Confluent stores it (Avro's Schema.toString): names relative to the enclosing namespace.
CUSTOMER_STORED = dict(CUSTOMER, fields=[{"name": "home", "type": "Address"}])
INVOICE = {"type": "record", "name": "Invoice", "namespace": "shop", "fields": [{"name": "n", "type": "int"}]}
INVOICE_V2 = dict(INVOICE, fields=INVOICE["fields"] + [{"name": "memo", "type": "string", "default": ""}])
PERSON = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
          "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name"]}

# Methods that never talk to the registry; they are called too, but their steps check the
# client's own behaviour.
LOCAL_METHODS = {"config", "close", "clear_caches", "clear_latest_caches", "new_client"}

calls = 0


def avro(schema, references=None, metadata=None):
    return Schema(json.dumps(schema), "AVRO", references or [], metadata)


def show(value):
    text = repr(value)
    return text if len(text) <= 100 else text[:97] + "..."


def ok(what, got, want, shown=None):
    """Counts one asserted call, and fails unless it returned want. The line printed shows
    the result, or shown instead (one that holds a password, say)."""
    global calls
    calls += 1
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")
    print(f"ok {calls:3} {what}: {show(got if shown is None else shown)}", flush=True)


def fails(what, want, fn, *args, **kwargs):
    """Counts one call that must fail with want = (HTTP status, error_code)."""
    try:
        got = fn(*args, **kwargs)
    except SchemaRegistryError as e:
        ok(what, (e.http_status_code, e.error_code), want)
        return
    raise AssertionError(f"{what}: returned {got!r}, want HTTP {want[0]} error_code {want[1]}")


class Tracked:
    """Wraps a client and records in used the name of every method a step calls."""

    def __init__(self, client, used):
        self.unwrapped, self._used = client, used

    def __getattr__(self, name):
        attr = getattr(self.unwrapped, name)
        if callable(attr):
            self._used.add(name)
        return attr


def public_methods():
    return {name for name, _ in inspect.getmembers(SchemaRegistryClient, inspect.isfunction)
            if not name.startswith("_")}


# --- steps -----------------------------------------------------------------------------------


def unauthenticated(conf, user):
    """With auth on, a client without credentials is refused from its very first call."""
    anonymous = SchemaRegistryClient(conf)
    fails("no credentials: get_subjects", (401, 401), anonymous.get_subjects)
    fails("no credentials: register_schema", (401, 401), anonymous.register_schema, "orders-value", avro(ORDER))
    name = user.split(":", 1)[0]
    wrong = SchemaRegistryClient(dict(conf, **{"basic.auth.user.info": name + ":not-the-password"}))
    fails("wrong password: get_schema_types", (401, 401), wrong.get_schema_types)
    stranger = SchemaRegistryClient(dict(conf, **{"basic.auth.user.info": "mallory:" + user.split(":", 1)[1]}))
    fails("unknown user: get_subjects", (401, 401), stranger.get_subjects)


def cannot_connect(what, conf, alert):
    """Counts one call that must fail in the TLS handshake with alert in its message."""
    global calls
    client = SchemaRegistryClient(dict(conf, **{"max.retries": 0}))
    try:
        got = client.get_subjects()
    except SchemaRegistryError as e:
        raise AssertionError(f"{what}: the server answered {e}")
    except Exception as e:  # httpx's ConnectError or ReadError, whichever httpx the client uses
        calls += 1
        if alert not in str(e).upper().replace(" ", "_"):
            raise AssertionError(f"{what}: want a TLS error with {alert}, got {e!r}")
        print(f"ok {calls:3} {what}: get_subjects fails with {alert}", flush=True)
        return
    raise AssertionError(f"{what}: get_subjects returned {got!r}")


def untrusted(url, ca, cert):
    """Over https, a client that does not trust the server's CA cannot connect, nor can a
    client without a certificate when the server requires one."""
    cannot_connect("untrusted CA", {"url": url}, "CERTIFICATE_VERIFY_FAILED")
    if cert:
        cannot_connect("no client certificate", {"url": url, "ssl.ca.location": ca}, "CERTIFICATE_REQUIRED")


def client_itself(c, conf):
    # The configuration may hold a password: the lines show its keys.
    ok("config", c.config(), conf, shown=sorted(conf))
    other = c.new_client(conf)
    ok("new_client", (type(other).__name__, other.config()), ("SchemaRegistryClient", conf), shown=type(other).__name__)
    other.close()


def server_wide(c):
    ok("get_schema_types", sorted(c.get_schema_types()), ["AVRO", "JSON", "PROTOBUF"])
    ok("get_contexts", c.get_contexts(), ["."])
    ok("get_global_mode", c.get_global_mode(), "READWRITE")
    ok("get_compatibility (global)", c.get_compatibility(), "BACKWARD")
    ok("get_config (global)", c.get_config().compatibility_level, ConfigCompatibilityLevel.BACKWARD)
    ok("get_subjects (empty registry)", c.get_subjects(), [])


def register(writer, incompatible):
    """Registers orders-value v1 and v2; returns (id1, id2, guid2)."""
    id1 = writer.register_schema("orders-value", avro(ORDER))
    ok("register_schema v1", id1, 1)
    # A fresh client, so that no cache answers: the same schema, differently formatted.
    again = Schema(json.dumps(ORDER, indent=2), "AVRO")
    ok("register_schema again (reformatted)", writer.new_client(writer.config()).register_schema("orders-value", again), id1)
    full = writer.register_schema_full_response("orders-value", avro(ORDER_V2))
    ok("register_schema_full_response v2", (full.schema_id, full.version, full.subject), (2, 2, "orders-value"))
    ok("register_schema_full_response guid", len(full.guid or ""), 36)
    fails("register_schema incompatible", (409, incompatible), writer.register_schema, "orders-value", avro(BREAKING))
    fails("register_schema invalid Avro", (422, 42201), writer.register_schema, "orders-value",
          Schema('{"type": "record", "name": "x"}', "AVRO"))
    return id1, full.schema_id, full.guid


def read_back(reader, id1, id2, guid2):
    got = reader.get_schema(id1)
    ok("get_schema", (json.loads(got.schema_str), got.schema_type, got.references), (ORDER, "AVRO", []))
    got = reader.get_schema(id2, subject_name="orders-value")
    ok("get_schema with subject", json.loads(got.schema_str), ORDER_V2)
    fails("get_schema unknown id", (404, 40403), reader.get_schema, 4242)
    ok("get_schema_by_guid", json.loads(reader.get_schema_by_guid(guid2).schema_str), ORDER_V2)
    fails("get_schema_by_guid unknown", (404, 40403), reader.get_schema_by_guid, "00000000-0000-0000-0000-000000000000")
    found = reader.lookup_schema("orders-value", avro(ORDER))
    ok("lookup_schema", (found.schema_id, found.version, found.subject), (id1, 1, "orders-value"))
    fails("lookup_schema unregistered schema", (404, 40403), reader.lookup_schema, "orders-value", avro(BREAKING))
    fails("lookup_schema unknown subject", (404, 40401), reader.lookup_schema, "no-such-subject", avro(ORDER))
    ok("get_subjects", reader.get_subjects(), ["orders-value"])
    ok("get_subjects with prefix", reader.get_subjects(subject_prefix="ord"), ["orders-value"])
    ok("get_subjects with other prefix", reader.get_subjects(subject_prefix="pay"), [])
    ok("get_versions", reader.get_versions("orders-value"), [1, 2])
    fails("get_versions unknown subject", (404, 40401), reader.get_versions, "no-such-subject")
    v1 = reader.get_version("orders-value", 1)
    ok("get_version 1", (v1.schema_id, v1.version, v1.subject, json.loads(v1.schema.schema_str)),
       (id1, 1, "orders-value", ORDER))
    v = reader.get_version("orders-value", "latest")
    ok("get_version latest", (v.schema_id, v.version, v.guid), (id2, 2, guid2))
    fails("get_version unknown version", (404, 40402), reader.get_version, "orders-value", 9)
    latest = reader.get_latest_version("orders-value")
    ok("get_latest_version", (latest.schema_id, latest.version, latest.guid), (id2, 2, guid2))
    fails("get_latest_version unknown subject", (404, 40401), reader.get_latest_version, "no-such-subject")
    ok("get_subjects_by_schema_id", reader.get_subjects_by_schema_id(id1), ["orders-value"])
    fails("get_subjects_by_schema_id unknown id", (404, 40403), reader.get_subjects_by_schema_id, 4242)
    ok("get_schema_versions", reader.get_schema_versions(id2), [SchemaVersion("orders-value", 2)])


def compatibility(c):
    ok("test_compatibility optional field vs latest", c.test_compatibility("orders-value", avro(ORDER_V3)), True)
    ok("test_compatibility required field vs latest", c.test_compatibility("orders-value", avro(BREAKING)), False)
    ok("test_compatibility vs version 1", c.test_compatibility("orders-value", avro(ORDER_V2), version=1), True)
    ok("test_compatibility verbose", c.test_compatibility("orders-value", avro(BREAKING), verbose=True), False)
    fails("test_compatibility unknown version", (404, 40402), c.test_compatibility, "orders-value", avro(ORDER_V3), 9)
    ok("test_compatibility_all_versions compatible", c.test_compatibility_all_versions("orders-value", avro(ORDER_V3)), True)
    ok("test_compatibility_all_versions breaking", c.test_compatibility_all_versions("orders-value", avro(BREAKING)), False)


def config(c):
    # Global level.
    ok("set_compatibility (global)", c.set_compatibility(level="FULL_TRANSITIVE"), {"compatibility": "FULL_TRANSITIVE"})
    ok("get_compatibility after set (global)", c.get_compatibility(), "FULL_TRANSITIVE")
    fails("set_compatibility invalid level", (422, 42203), c.set_compatibility, level="SIDEWAYS")
    # Subject level overrides it: NONE accepts what BACKWARD refused.
    ok("set_compatibility (subject)", c.set_compatibility("orders-value", "NONE"), {"compatibility": "NONE"})
    ok("get_compatibility (subject)", c.get_compatibility("orders-value"), "NONE")
    ok("test_compatibility under NONE", c.test_compatibility("orders-value", avro(BREAKING)), True)
    old = c.delete_config("orders-value")
    ok("delete_config (subject) returns the old config", old.compatibility_level, ConfigCompatibilityLevel.NONE)
    fails("get_compatibility of unconfigured subject", (404, 40408), c.get_compatibility, "orders-value")
    old = c.delete_config()
    ok("delete_config (global) returns the old config", old.compatibility_level, ConfigCompatibilityLevel.FULL_TRANSITIVE)
    ok("get_compatibility after delete (global)", c.get_compatibility(), "BACKWARD")
    # The whole config object.
    want = ServerConfig(compatibility=ConfigCompatibilityLevel.FULL, compatibility_group="app.major",
                        default_metadata=Metadata(None, MetadataProperties({"owner": "team-a"}), None))
    ok("set_config (subject)", c.set_config("orders-value", want),
       {"compatibility": "FULL", "compatibilityGroup": "app.major", "defaultMetadata": {"properties": {"owner": "team-a"}}})
    got = c.get_config("orders-value")
    ok("get_config (subject)", (got.compatibility_level, got.compatibility_group, got.default_metadata.properties),
       (ConfigCompatibilityLevel.FULL, "app.major", MetadataProperties({"owner": "team-a"})))
    ok("set_config (global)", c.set_config(config=ServerConfig(compatibility=ConfigCompatibilityLevel.FORWARD)),
       {"compatibility": "FORWARD"})
    ok("get_config (global)", c.get_config().compatibility_level, ConfigCompatibilityLevel.FORWARD)
    ok("delete_config (global) again", c.delete_config().compatibility_level, ConfigCompatibilityLevel.FORWARD)
    ok("delete_config (subject) again", c.delete_config("orders-value").compatibility_group, "app.major")


def modes(c):
    fails("get_mode of unconfigured subject", (404, 40409), c.get_mode, "orders-value")
    ok("update_mode READONLY", c.update_mode("orders-value", "READONLY"), "READONLY")
    ok("get_mode", c.get_mode("orders-value"), "READONLY")
    fails("register_schema in a READONLY subject", (422, 42205), c.register_schema, "orders-value", avro(ORDER_V3))
    ok("delete_mode returns the old mode", c.delete_mode("orders-value"), "READONLY")
    fails("get_mode after delete_mode", (404, 40409), c.get_mode, "orders-value")
    fails("update_mode invalid mode", (422, 42204), c.update_mode, "orders-value", "SIDEWAYS")
    fails("update_global_mode IMPORT with subjects", (422, 42205), c.update_global_mode, "IMPORT")
    ok("update_global_mode IMPORT forced", c.update_global_mode("IMPORT", force=True), "IMPORT")
    ok("get_global_mode", c.get_global_mode(), "IMPORT")
    ok("update_global_mode READWRITE", c.update_global_mode("READWRITE"), "READWRITE")
    ok("get_global_mode after", c.get_global_mode(), "READWRITE")


def metadata(c):
    def owned(schema, owner):
        return avro(schema, metadata=Metadata(None, MetadataProperties({"owner": owner}), None))

    first = c.register_schema("invoices-value", owned(INVOICE, "billing"))
    second = c.register_schema("invoices-value", owned(INVOICE_V2, "finance"))
    got = c.get_latest_with_metadata("invoices-value", {"owner": "billing"})
    ok("get_latest_with_metadata billing", (got.schema_id, got.version, got.schema.metadata.properties.properties),
       (first, 1, {"owner": "billing"}))
    got = c.get_latest_with_metadata("invoices-value", {"owner": "finance"})
    ok("get_latest_with_metadata finance", (got.schema_id, got.version), (second, 2))
    fails("get_latest_with_metadata no match", (404, 40403), c.get_latest_with_metadata, "invoices-value", {"owner": "nobody"})


def references(writer, reader):
    address = writer.register_schema("address", avro(ADDRESS))
    ref = SchemaReference("shop.Address", "address", 1)
    customer = writer.register_schema("customer", avro(CUSTOMER, [ref]))
    ok("register_schema with a reference", customer, address + 1)
    got = reader.get_schema(customer)
    ok("get_schema returns the references", (json.loads(got.schema_str), got.references), (CUSTOMER_STORED, [ref]))
    ok("get_version returns the references", reader.get_version("customer", 1).schema.references, [ref])
    ok("lookup_schema with a reference", reader.lookup_schema("customer", avro(CUSTOMER, [ref])).schema_id, customer)
    ok("get_referenced_by version 1", reader.get_referenced_by("address", 1), [customer])
    ok("get_referenced_by latest", reader.get_referenced_by("address"), [customer])
    ok("get_referenced_by unreferenced", reader.get_referenced_by("orders-value", 1), [])
    fails("delete_subject of a referenced subject", (422, 42206), writer.delete_subject, "address")
    fails("delete_version of a referenced version", (422, 42206), writer.delete_version, "address", 1)
    fails("register_schema with a missing reference", (422, 42201), writer.register_schema, "dangling",
          avro(CUSTOMER, [SchemaReference("shop.Address", "address", 7)]))


def deletes(c):
    c.register_schema("temp", avro(ORDER))
    c.register_schema("temp", avro(ORDER_V2))
    fails("delete_version permanent before soft", (404, 40407), c.delete_version, "temp", 2, permanent=True)
    ok("delete_version soft", c.delete_version("temp", 2), 2)
    ok("get_versions after soft delete", c.get_versions("temp"), [1])
    ok("get_versions deleted", c.get_versions("temp", deleted=True), [1, 2])
    # confluent-kafka sends deleted_only=true, but Confluent's server reads deletedOnly: the
    # filter is ignored, and so it must be here.
    ok("get_versions deleted_only (ignored, as by Confluent)", c.get_versions("temp", deleted_only=True), [1])
    fails("get_version of a soft-deleted version", (404, 40402), c.get_version, "temp", 2)
    ok("get_version deleted", c.get_version("temp", 2, deleted=True).version, 2)
    ok("lookup_schema deleted", c.lookup_schema("temp", avro(ORDER_V2), deleted=True).version, 2)
    fails("delete_version soft twice", (404, 40406), c.delete_version, "temp", 2)
    ok("delete_version permanent", c.delete_version("temp", 2, permanent=True), 2)
    ok("get_versions deleted after permanent delete", c.get_versions("temp", deleted=True), [1])
    fails("delete_version unknown subject", (404, 40401), c.delete_version, "no-such-subject", 1)
    fails("delete_version unknown version", (404, 40402), c.delete_version, "temp", 9)
    fails("delete_subject permanent before soft", (404, 40405), c.delete_subject, "temp", permanent=True)
    ok("delete_subject soft", c.delete_subject("temp"), [1])
    ok("get_subjects after soft delete", "temp" in c.get_subjects(), False)
    ok("get_subjects deleted", "temp" in c.get_subjects(deleted=True), True)
    ok("get_subjects deleted_only (ignored, as by Confluent)", "temp" in c.get_subjects(deleted_only=True), False)
    fails("get_versions of a soft-deleted subject", (404, 40401), c.get_versions, "temp")
    fails("delete_subject soft twice", (404, 40404), c.delete_subject, "temp")
    ok("delete_subject permanent", c.delete_subject("temp", permanent=True), [1])
    ok("get_subjects deleted after permanent delete", "temp" in c.get_subjects(deleted=True), False)
    fails("delete_subject unknown subject", (404, 40401), c.delete_subject, "no-such-subject")


def caches(c):
    ok("get_latest_version before v3", c.get_latest_version("orders-value").version, 2)
    v3 = c.register_schema("orders-value", avro(ORDER_V3))
    ok("get_latest_version answered from the client's cache", c.get_latest_version("orders-value").version, 2)
    c.clear_latest_caches()
    got = c.get_latest_version("orders-value")
    ok("get_latest_version after clear_latest_caches", (got.schema_id, got.version), (v3, 3))
    c.clear_caches()
    ok("get_schema after clear_caches", json.loads(c.get_schema(v3).schema_str), ORDER_V3)


def associations(c):
    """Confluent 8.2's associations: a topic bound to an existing subject (WEAK, no schema),
    listed by resource name, then deleted."""
    ok("get_associations_by_resource_name (none yet)", c.get_associations_by_resource_name("orders", "lkc-1"), [])
    request = AssociationCreateOrUpdateRequest(resource_name="orders", resource_namespace="lkc-1", resource_id="t-1",
                                               resource_type="topic", associations=[
                                                   AssociationCreateOrUpdateInfo(subject="orders-value",
                                                                                 association_type="value")])
    got = c.create_association(request)
    ok("create_association",
       (got.resource_name, got.resource_namespace, got.resource_id, got.resource_type,
        [(a.subject, a.association_type, a.lifecycle, a.frozen) for a in got.associations]),
       ("orders", "lkc-1", "t-1", "topic", [("orders-value", "value", "WEAK", False)]))
    listed = c.get_associations_by_resource_name("orders", "lkc-1")
    ok("get_associations_by_resource_name",
       [(a.subject, a.resource_id, a.resource_type, a.association_type, a.frozen) for a in listed],
       [("orders-value", "t-1", "topic", "value", False)])
    ok("create_association again (no change: nothing to report)", c.create_association(request).associations, None)
    ok("delete_associations", c.delete_associations("t-1"), None)
    ok("get_associations_by_resource_name after delete", c.get_associations_by_resource_name("orders", "lkc-1"), [])
    fails("delete_associations unknown resource", (404, 40410), c.delete_associations, "t-1")


def avro_serdes(client):
    from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
    ser = AvroSerializer(client, json.dumps(ORDER_V2), conf={"auto.register.schemas": True})
    de = AvroDeserializer(client)
    ctx = SerializationContext("payments", MessageField.VALUE)
    record = {"id": 7, "total": 12.5, "note": "gift"}
    data = ser(record, ctx)
    ok("avro serializer writes magic byte 0", data[0], 0)
    ok("avro round trip", de(data, ctx), record)


def json_serdes(client):
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
    ser = JSONSerializer(json.dumps(PERSON), client, conf={"auto.register.schemas": True})
    de = JSONDeserializer(json.dumps(PERSON), schema_registry_client=client)
    ctx = SerializationContext("people", MessageField.VALUE)
    person = {"name": "Ada", "age": 36}
    ok("json round trip", de(ser(person, ctx), ctx), person)
    ok("json schema type", client.get_latest_version("people-value").schema.schema_type, "JSON")


def order_message_class():
    """Builds a Protobuf message class at run time, as generated code would provide it."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    fdp = descriptor_pb2.FileDescriptorProto(name="shop/order.proto", package="shop", syntax="proto3")
    msg = fdp.message_type.add(name="Order")
    F = descriptor_pb2.FieldDescriptorProto
    msg.field.add(name="id", number=1, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    msg.field.add(name="note", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("shop.Order"))


def protobuf_serdes(producer, consumer):
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
    order = order_message_class()
    # The serializer registers the schema as a base64 FileDescriptorProto; the deserializer
    # fetches it back with format=serialized. Producer and consumer are separate processes in
    # practice, so the consumer has its own client (the client caches schemas by id whatever
    # the format, so a shared one would answer from the producer's cache).
    ser = ProtobufSerializer(order, producer, {"auto.register.schemas": True, "use.deprecated.format": False})
    de = ProtobufDeserializer(order, {"use.deprecated.format": False}, schema_registry_client=consumer)
    ctx = SerializationContext("orders-pb", MessageField.VALUE)
    got = de(ser(order(id=7, note="gift"), ctx), ctx)
    ok("protobuf round trip", (got.id, got.note), (7, "gift"))
    stored = producer.get_latest_version("orders-pb-value").schema
    ok("protobuf stored as .proto text", (stored.schema_type, "message Order" in stored.schema_str), ("PROTOBUF", True))


def closed(c):
    c.close()
    c.close()  # safe to call twice
    try:
        c.get_subjects()
    except RuntimeError as e:
        ok("close: calls fail afterwards", "closed" in str(e), True)
        return
    raise AssertionError("close: the client still answers")


def main():
    args = argparse.ArgumentParser()
    args.add_argument("url")
    args.add_argument("--user")
    args.add_argument("--ca")
    args.add_argument("--cert")
    args.add_argument("--key")
    args.add_argument("--incompatible-code", type=int, default=409)
    opts = args.parse_args()

    conf = {"url": opts.url}
    if opts.ca:
        untrusted(opts.url, opts.ca, opts.cert)
        conf["ssl.ca.location"] = opts.ca
    if opts.cert:
        conf.update({"ssl.certificate.location": opts.cert, "ssl.key.location": opts.key})
    if opts.user:
        unauthenticated(dict(conf), opts.user)
        conf["basic.auth.user.info"] = opts.user

    used = set()
    writer = Tracked(SchemaRegistryClient(conf), used)
    # The reader is another process's client in practice: nothing it reads comes from the
    # writer's cache.
    reader = Tracked(writer.new_client(conf), used)

    client_itself(writer, conf)
    server_wide(reader)
    id1, id2, guid2 = register(writer, opts.incompatible_code)
    read_back(reader, id1, id2, guid2)
    compatibility(reader)
    config(writer)
    modes(writer)
    metadata(writer)
    references(writer, reader)
    deletes(writer)
    caches(reader)
    associations(writer)
    types = sorted(reader.get_schema_types())
    avro_serdes(writer.unwrapped)
    json_serdes(writer.unwrapped)
    protobuf_serdes(writer.unwrapped, reader.unwrapped)
    closed(writer)

    missing = sorted(public_methods() - used)
    if missing:
        raise AssertionError(f"SchemaRegistryClient methods no step calls: {', '.join(missing)}")
    print(f"python client: {calls} calls checked, {len(used)} methods "
          f"({len(used - LOCAL_METHODS)} talk to the registry), schema types {','.join(types)}")


if __name__ == "__main__":
    main()
