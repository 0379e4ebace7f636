"""Reads the records Accord's Go serializers wrote with confluent-kafka's deserializers, and
writes the same values with its serializers for the Go test to read.

Usage: python serde_interop.py http://127.0.0.1:PORT DIR

DIR holds manifest.json (written by test/serde_interop_test.go: the cases, their expected
values, and Go's records); the script writes client.json there, one record per case. Its
serializers auto-register their schemas under the default TopicNameStrategy, on the
case's client_topic. It exits non-zero on the first value that differs, and ends with
"serde interop: N values checked, N written".
"""

import base64
import json
import os
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

from confluent_kafka.schema_registry import (Schema, SchemaReference, SchemaRegistryClient,
                                             dual_schema_id_deserializer, header_schema_id_serializer,
                                             prefix_schema_id_serializer)
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


class MessageClasses:
    """A class per message of the FileDescriptorSet the Go test compiled."""

    def __init__(self, path):
        with open(path, "rb") as f:
            fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
        self._pool = descriptor_pool.DescriptorPool()
        for fdp in fds.file:
            self._pool.Add(fdp)

    def __call__(self, name):
        return message_factory.GetMessageClass(self._pool.FindMessageTypeByName(name))


def registry_schema(case):
    """The case's Avro or JSON schema, with its references, as the serializer registers it."""
    refs = [SchemaReference(r["name"], r["subject"], r["version"]) for r in case["references"]]
    return Schema(case["schema"], "AVRO" if case["format"] == "avro" else "JSON", refs)


def deserializer(client, case, classes):
    conf = {"schema.id.deserializer": dual_schema_id_deserializer}
    if case["format"] == "avro":
        return AvroDeserializer(client, conf=conf)
    if case["format"] == "json":
        return JSONDeserializer(None, schema_registry_client=client, conf=conf)
    return ProtobufDeserializer(classes(case["message"]), conf=conf, schema_registry_client=client)


def serializer(client, case, classes):
    conf = {"schema.id.serializer": header_schema_id_serializer if case["header"] else prefix_schema_id_serializer}
    if case["format"] == "avro":
        return AvroSerializer(client, registry_schema(case), conf=conf)
    if case["format"] == "json":
        return JSONSerializer(registry_schema(case), client, conf=conf)
    return ProtobufSerializer(classes(case["message"]), client, conf=conf)


def to_plain(case, value):
    """The value as the manifest's expected JSON writes it."""
    if case["format"] == "protobuf":
        return json_format.MessageToDict(value, preserving_proto_field_name=True)
    if case["bytes_fields"]:
        value = dict(value)
        for f in case["bytes_fields"]:
            value[f] = base64.b64encode(value[f]).decode()
    return value


def from_plain(case, expected, classes):
    """The expected value as the serializer takes it."""
    if case["format"] == "protobuf":
        return json_format.ParseDict(expected, classes(case["message"])())
    if case["bytes_fields"]:
        expected = dict(expected)
        for f in case["bytes_fields"]:
            expected[f] = base64.b64decode(expected[f])
    return expected


def differences(want, got, path=""):
    """The paths at which two plain values differ, with both values."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = []
        for k in sorted(set(want) | set(got)):
            out += differences(want.get(k), got.get(k), f"{path}.{k}")
        return out
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [d for i, (w, g) in enumerate(zip(want, got)) for d in differences(w, g, f"{path}[{i}]")]
    if want != got or type(want) is not type(got) and not {type(want), type(got)} <= {int, float}:
        return [f"{path or '.'}: got {got!r}, want {want!r}"]
    return []


def check_go_record(client, case, rec, classes):
    headers = [(k, base64.b64decode(v)) for k, v in rec["headers"]]
    if case["header"] != any(k == "__value_schema_id" for k, _ in headers):
        sys.exit(f"{case['name']}: the Go record's headers are {rec['headers']}, want a schema id header: {case['header']}")
    ctx = SerializationContext(case["topic"], MessageField.VALUE, headers)
    value = deserializer(client, case, classes)(base64.b64decode(rec["payload"]), ctx)
    diff = differences(case["expected"], to_plain(case, value))
    if diff:
        sys.exit(f"{case['name']}: Python read a different value from the Go record:\n  " + "\n  ".join(diff))


def write_record(client, case, classes):
    headers = []
    ctx = SerializationContext(case["client_topic"], MessageField.VALUE, headers)
    payload = serializer(client, case, classes)(from_plain(case, case["expected"], classes), ctx)
    if case["header"] != bool(headers):
        sys.exit(f"{case['name']}: the serializer wrote headers {headers}, want a schema id header: {case['header']}")
    return {"name": case["name"], "payload": base64.b64encode(payload).decode(),
            "headers": [[k, base64.b64encode(v).decode()] for k, v in headers]}


def main(url, directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    # The consumer and the producer have a client each, as they would in two programs.
    # They must: after registering a Protobuf schema, the client caches the text form the
    # registry answers with (Confluent 8 answers the same) under its GUID, and a later
    # get_schema_by_guid(fmt="serialized") returns that text, which the Protobuf
    # deserializer cannot parse.
    consumer, producer = SchemaRegistryClient({"url": url}), SchemaRegistryClient({"url": url})
    classes = MessageClasses(manifest["descriptors"])
    go_records = {r["name"]: r for r in manifest["go"]}
    checked, written = 0, []
    for case in manifest["cases"]:
        check_go_record(consumer, case, go_records[case["name"]], classes)
        checked += 1
        written.append(write_record(producer, case, classes))
    with open(os.path.join(directory, "client.json"), "w") as f:
        json.dump(written, f)
    print(f"serde interop: {checked} values checked, {len(written)} written")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
