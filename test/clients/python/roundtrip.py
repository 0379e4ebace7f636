"""Drives an Accord server with confluent-kafka's SchemaRegistryClient and Avro serdes.

Usage: python roundtrip.py http://127.0.0.1:PORT

Exits non-zero with a message on the first behaviour that differs from what the client expects
of Confluent Schema Registry. Run by test/clients_test.go.
"""

import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

ORDER = {"type": "record", "name": "Order", "namespace": "shop",
         "fields": [{"name": "id", "type": "long"}, {"name": "total", "type": "double"}]}
ORDER_V2 = dict(ORDER, fields=ORDER["fields"] + [{"name": "note", "type": ["null", "string"], "default": None}])
BREAKING = dict(ORDER, fields=ORDER["fields"] + [{"name": "required", "type": "string"}])
ADDRESS = {"type": "record", "name": "Address", "namespace": "shop", "fields": [{"name": "city", "type": "string"}]}
CUSTOMER = {"type": "record", "name": "Customer", "namespace": "shop", "fields": [{"name": "home", "type": "shop.Address"}]}


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_error(code, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except SchemaRegistryError as e:
        check(e.error_code == code, f"{fn.__name__}: error_code {e.error_code}, want {code} ({e})")
        return
    raise AssertionError(f"{fn.__name__}: no error, want {code}")


def registry_calls(client):
    sid = client.register_schema("orders-value", Schema(json.dumps(ORDER), "AVRO"))
    check(client.register_schema("orders-value", Schema(json.dumps(ORDER, indent=2), "AVRO")) == sid, "re-register changed the id")
    got = client.get_schema(sid)
    check(json.loads(got.schema_str) == ORDER and got.schema_type == "AVRO", f"get_schema: {got.schema_str}")
    reg = client.lookup_schema("orders-value", Schema(json.dumps(ORDER), "AVRO"))
    check((reg.schema_id, reg.version, reg.subject) == (sid, 1, "orders-value"), f"lookup_schema: {reg}")
    check(client.test_compatibility("orders-value", Schema(json.dumps(ORDER_V2), "AVRO")), "adding an optional field must be compatible")
    check(not client.test_compatibility("orders-value", Schema(json.dumps(BREAKING), "AVRO")), "adding a required field must be incompatible")
    expect_error(409, client.register_schema, "orders-value", Schema(json.dumps(BREAKING), "AVRO"))
    sid2 = client.register_schema("orders-value", Schema(json.dumps(ORDER_V2), "AVRO"))
    latest = client.get_latest_version("orders-value")
    check((latest.schema_id, latest.version) == (sid2, 2), f"get_latest_version: {latest}")
    check(client.get_version("orders-value", 1).schema_id == sid, "get_version 1")
    check(client.get_versions("orders-value") == [1, 2], "get_versions")
    check("orders-value" in client.get_subjects(), "get_subjects")
    check(client.get_subjects_by_schema_id(sid) == ["orders-value"], "get_subjects_by_schema_id")
    check("AVRO" in client.get_schema_types(), "get_schema_types")
    check(client.set_compatibility("orders-value", "FULL") == {"compatibility": "FULL"}, "set_compatibility")
    check(client.get_compatibility("orders-value") == "FULL", "get_compatibility")
    check(client.get_config("orders-value").compatibility_level == "FULL", "get_config")
    check(client.get_global_mode() == "READWRITE", "get_global_mode")
    check("." in client.get_contexts(), "get_contexts")
    by_guid = client.get_schema_by_guid(latest.guid) if getattr(latest, "guid", None) else None
    check(by_guid is None or json.loads(by_guid.schema_str) == ORDER_V2, "get_schema_by_guid")
    expect_error(40401, client.get_latest_version, "no-such-subject")
    expect_error(40403, client.get_schema, 4242)
    return sid


def references(client):
    client.register_schema("address", Schema(json.dumps(ADDRESS), "AVRO"))
    ref = SchemaReference("shop.Address", "address", 1)
    cid = client.register_schema("customer", Schema(json.dumps(CUSTOMER), "AVRO", [ref]))
    check(client.get_referenced_by("address", 1) == [cid], "get_referenced_by")
    expect_error(42206, client.delete_subject, "address")


def serdes(client):
    ser = AvroSerializer(client, json.dumps(ORDER_V2), conf={"auto.register.schemas": True})
    de = AvroDeserializer(client)
    ctx = SerializationContext("payments", MessageField.VALUE)
    record = {"id": 7, "total": 12.5, "note": "gift"}
    data = ser(record, ctx)
    check(data[0] == 0, "wire format must start with magic byte 0")
    check(de(data, ctx) == record, "avro round trip")


PERSON = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
          "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}, "required": ["name"]}


def json_serdes(client):
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
    ser = JSONSerializer(json.dumps(PERSON), client, conf={"auto.register.schemas": True})
    de = JSONDeserializer(json.dumps(PERSON), schema_registry_client=client)
    ctx = SerializationContext("people", MessageField.VALUE)
    person = {"name": "Ada", "age": 36}
    check(de(ser(person, ctx), ctx) == person, "json round trip")
    check(client.get_latest_version("people-value").schema.schema_type == "JSON", "json schema type")


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


def protobuf_serdes(client):
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
    order = order_message_class()
    # The serializer registers the schema as a base64 FileDescriptorProto; the deserializer
    # fetches it back with format=serialized. Producer and consumer are separate processes in
    # practice, so the consumer gets its own client (the client caches schemas by id whatever
    # the format, so a shared one would answer from the producer's cache).
    ser = ProtobufSerializer(order, client, {"auto.register.schemas": True, "use.deprecated.format": False})
    consumer = SchemaRegistryClient({"url": sys.argv[1]})
    de = ProtobufDeserializer(order, {"use.deprecated.format": False}, schema_registry_client=consumer)
    ctx = SerializationContext("orders-pb", MessageField.VALUE)
    data = ser(order(id=7, note="gift"), ctx)
    got = de(data, ctx)
    check((got.id, got.note) == (7, "gift"), "protobuf round trip")
    stored = client.get_latest_version("orders-pb-value").schema
    check(stored.schema_type == "PROTOBUF" and "message Order" in stored.schema_str, f"stored as .proto text: {stored.schema_str}")


def deletes(client):
    client.register_schema("temp", Schema(json.dumps(ORDER), "AVRO"))
    check(client.delete_version("temp", 1) == 1, "delete_version")
    check(client.delete_subject("temp", permanent=True) == [1], "delete_subject permanent")
    expect_error(40401, client.get_versions, "temp")


def main():
    client = SchemaRegistryClient({"url": sys.argv[1]})
    registry_calls(client)
    references(client)
    serdes(client)
    deletes(client)
    types = client.get_schema_types()
    if "JSON" in types:
        json_serdes(client)
    if "PROTOBUF" in types:
        protobuf_serdes(client)
    print("python client: all checks passed for " + ",".join(sorted(types)))


if __name__ == "__main__":
    main()
