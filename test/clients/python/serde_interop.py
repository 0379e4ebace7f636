"""Reads the records Accord's Go serializers wrote with confluent-kafka's deserializers, and
writes the same values with its serializers for the Go test to read.

Usage: python serde_interop.py http://127.0.0.1:PORT DIR

DIR holds manifest.json (written by test/serde_interop_test.go); the script writes
client.json there. It exits non-zero on the first value that differs.
"""

import base64
import json
import os
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

from confluent_kafka.schema_registry import (SchemaRegistryClient, dual_schema_id_deserializer,
                                             header_schema_id_serializer, prefix_schema_id_serializer)
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def message_classes(path):
    """Builds a class per message of the FileDescriptorSet the Go test compiled."""
    with open(path, "rb") as f:
        fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for fdp in fds.file:
        pool.Add(fdp)
    return lambda name: message_factory.GetMessageClass(pool.FindMessageTypeByName(name))


def deserializer(client, case, classes):
    conf = {"schema.id.deserializer": dual_schema_id_deserializer}
    if case["format"] == "avro":
        return AvroDeserializer(client, conf=conf)
    if case["format"] == "json":
        return JSONDeserializer(None, schema_registry_client=client, conf=conf)
    return ProtobufDeserializer(classes(case["message"]), conf=conf, schema_registry_client=client)


def serializer(client, case, classes, schema_str):
    conf = {"schema.id.serializer": header_schema_id_serializer if case["header"] else prefix_schema_id_serializer}
    if case["format"] == "avro":
        return AvroSerializer(client, schema_str, conf=dict(conf, **{"auto.register.schemas": False, "use.latest.version": True}))
    if case["format"] == "json":
        return JSONSerializer(schema_str, client, conf=dict(conf, **{"auto.register.schemas": False, "use.latest.version": True}))
    return ProtobufSerializer(classes(case["message"]), client, conf=conf)


def as_json(case, value):
    """The value as the manifest's expected JSON shows it."""
    if case["format"] == "protobuf":
        return json_format.MessageToDict(value, preserving_proto_field_name=True)
    return value


def from_json(case, expected, classes):
    if case["format"] == "protobuf":
        return json_format.ParseDict(expected, classes(case["message"])())
    return expected


def latest_schema(client, case):
    if case["format"] == "protobuf":
        return None
    return client.get_latest_version(case["topic"] + "-value").schema.schema_str


def main(url, directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    client = SchemaRegistryClient({"url": url})
    classes = message_classes(manifest["descriptors"])
    cases = {c["name"]: c for c in manifest["cases"]}

    read = 0
    for rec in manifest["go"]:
        case = cases[rec["name"]]
        headers = [(k, base64.b64decode(v)) for k, v in rec["headers"]]
        if case["header"] and not headers:
            raise AssertionError(f"{case['name']}: the Go record has no schema id header")
        ctx = SerializationContext(case["topic"], MessageField.VALUE, headers)
        value = deserializer(client, case, classes)(base64.b64decode(rec["payload"]), ctx)
        got = as_json(case, value)
        if got != case["expected"]:
            raise AssertionError(f"{case['name']}: Python read {got!r} from the Go record, want {case['expected']!r}")
        read += 1

    written = []
    for case in manifest["cases"]:
        headers = []
        ctx = SerializationContext(case["topic"], MessageField.VALUE, headers)
        ser = serializer(client, case, classes, latest_schema(client, case))
        payload = ser(from_json(case, case["expected"], classes), ctx)
        if case["header"] and not headers:
            raise AssertionError(f"{case['name']}: the header serializer added no header")
        written.append({"name": case["name"], "payload": base64.b64encode(payload).decode(),
                        "headers": [[k, base64.b64encode(v).decode()] for k, v in headers]})
    with open(os.path.join(directory, "client.json"), "w") as f:
        json.dump(written, f)
    print(f"serde interop: read {read} Go records, wrote {len(written)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
