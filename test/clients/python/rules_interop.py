"""Runs the data-contract rules of Accord's Go serde on Confluent's Python side: reads the
records Go wrote under ENCRYPT rules with confluent-kafka's FieldEncryptionExecutor and the
local KMS, writes the same values back for the Go test to decrypt, and checks that a CEL
condition rejects the record Go's serializer rejects. Then runs the JSONata migrations
between two major versions of a subject: reads Go's records of each major version as the
other one, and writes the same person under each for Go to read as the other.

Usage: python rules_interop.py http://127.0.0.1:PORT DIR

DIR holds manifest.json (written by test/rules_interop_test.go): the local KMS secret and
the cases, each a topic whose subject Go registered with its rule set, the value, Go's
record and, for a condition, a value the rule must reject. The serializers use the latest
registered schema and never register one, as a producer under a data contract does. The
script writes client.json there (one record per case), exits non-zero on the first
difference, and ends with "rules interop: N read, N written, M rejected". The manifest's
migrations each name a subject with major versions 1 (field ssn) and 2 (socialSecurityNumber),
the person as each, and Go's record of each; the script's records of them go to
migrations.json, and it prints "migrations: N read, N written".
"""

import base64
import functools
import json
import os
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.schema_registry.rules.cel.cel_executor import CelExecutor
from confluent_kafka.schema_registry.rules.encryption.encrypt_executor import FieldEncryptionExecutor
from confluent_kafka.schema_registry.rules.encryption.localkms.local_driver import LocalKmsDriver
from confluent_kafka.schema_registry.rules.jsonata.jsonata_executor import JsonataExecutor
from confluent_kafka.schema_registry.serde import RuleConditionError
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError

SERIALIZER_CONF = {"auto.register.schemas": False, "use.latest.version": True}


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


def serializer(client, case, rule_conf, classes):
    if case["format"] == "avro":
        return AvroSerializer(client, None, conf=SERIALIZER_CONF, rule_conf=rule_conf)
    if case["format"] == "json":
        return JSONSerializer(None, client, conf=SERIALIZER_CONF, rule_conf=rule_conf)
    return ProtobufSerializer(classes(case["message"]), client, conf=SERIALIZER_CONF, rule_conf=rule_conf)


def deserializer(client, case, rule_conf, classes):
    if case["format"] == "avro":
        return AvroDeserializer(client, rule_conf=rule_conf)
    if case["format"] == "json":
        return JSONDeserializer(None, schema_registry_client=client, rule_conf=rule_conf)
    return ProtobufDeserializer(classes(case["message"]), schema_registry_client=client, rule_conf=rule_conf)


def as_written(case, value, classes):
    """The manifest's value as the case's serializer takes it (and its deserializer gives)."""
    if case["format"] == "protobuf":
        return json_format.ParseDict(value, classes(case["message"])())
    return value


def read_go_record(client, case, rule_conf, classes):
    ctx = SerializationContext(case["topic"], MessageField.VALUE)
    got = deserializer(client, case, rule_conf, classes)(base64.b64decode(case["go"]), ctx)
    if got != as_written(case, case["value"], classes):
        sys.exit(f"{case['name']}: Python read {got!r} from Go's record, want {case['value']!r}")


def rejects(client, case, rule_conf, classes):
    """Whether the serializer refuses the case's bad value with the rule's condition error."""
    ctx = SerializationContext(case["topic"], MessageField.VALUE)
    try:
        serializer(client, case, rule_conf, classes)(as_written(case, case["bad"], classes), ctx)
    except SerializationError as e:
        # The ERROR action raises SerializationError from the rule's RuleConditionError.
        cause = e.__cause__
        if not isinstance(cause, RuleConditionError):
            sys.exit(f"{case['name']}: {e!r} from {cause!r}, want the condition error of rule {case['rule']}")
        return True
    return False


def as_major(major):
    """The configuration that reads and writes a subject's latest schema of a major version."""
    return {"use.latest.with.metadata": {"major_version": major}}


@functools.cache
def migrant_classes(path):
    return MessageClasses(path)


def migrant_class(case, major):
    """A Protobuf case's message class of a major version (one per version: the serializer
    checks the message's class)."""
    return migrant_classes(case["descriptors"][major])(case["message"])


def migration_serializer(client, case, major):
    conf = {"auto.register.schemas": False, **as_major(major)}
    if case["format"] == "avro":
        return AvroSerializer(client, None, conf=conf)
    if case["format"] == "json":
        return JSONSerializer(None, client, conf=conf)
    return ProtobufSerializer(migrant_class(case, major), client, conf=conf)


def migration_deserializer(client, case, major):
    if case["format"] == "avro":
        return AvroDeserializer(client, conf=as_major(major))
    if case["format"] == "json":
        return JSONDeserializer(None, conf=as_major(major), schema_registry_client=client)
    return ProtobufDeserializer(migrant_class(case, major), conf=as_major(major), schema_registry_client=client)


def migrant(case, major, value):
    """The person as the case's serializer of a major version takes it."""
    if case["format"] == "protobuf":
        return json_format.ParseDict(value, migrant_class(case, major)())
    return value


def plain(case, value):
    """A deserialized person as the manifest writes it; a message's fields by JSON name."""
    if case["format"] == "protobuf":
        d = json_format.MessageToDict(value)
        return {**d, "id": int(d["id"])}
    return value


def migrate(consumer, producer, case):
    """Reads Go's record of each major version as the other, and writes the person as each."""
    ctx = SerializationContext(case["topic"], MessageField.VALUE)
    for record, major, want in ((case["goV1"], "2", case["v2"]), (case["goV2"], "1", case["v1"])):
        got = migration_deserializer(consumer, case, major)(base64.b64decode(record), ctx)
        if plain(case, got) != want:
            sys.exit(f"{case['name']}: Python read {got!r} from Go's record as major {major}, want {want!r}")
    written = {"name": case["name"]}
    for major, key in (("1", "v1"), ("2", "v2")):
        payload = migration_serializer(producer, case, major)(migrant(case, major, case[key]), ctx)
        written[key] = base64.b64encode(payload).decode()
    return written


def main(url, directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    FieldEncryptionExecutor.register()
    LocalKmsDriver.register()
    CelExecutor.register()
    JsonataExecutor.register()
    rule_conf = {"secret": manifest["secret"]}
    classes = MessageClasses(manifest["descriptors"])
    # The consumer and the producer have a client each, as two programs would.
    consumer, producer = SchemaRegistryClient({"url": url}), SchemaRegistryClient({"url": url})
    read, written, rejected = 0, [], 0
    for case in manifest["cases"]:
        read_go_record(consumer, case, rule_conf, classes)
        read += 1
        if case.get("bad") is not None:
            if not rejects(producer, case, rule_conf, classes):
                sys.exit(f"{case['name']}: Python's serializer wrote {case['bad']!r}, which the condition rejects")
            rejected += 1
        ctx = SerializationContext(case["topic"], MessageField.VALUE)
        payload = serializer(producer, case, rule_conf, classes)(as_written(case, case["value"], classes), ctx)
        written.append({"name": case["name"], "payload": base64.b64encode(payload).decode()})
    with open(os.path.join(directory, "client.json"), "w") as f:
        json.dump(written, f)
    print(f"rules interop: {read} read, {len(written)} written, {rejected} rejected")
    migrated = [migrate(consumer, producer, case) for case in manifest["migrations"]]
    with open(os.path.join(directory, "migrations.json"), "w") as f:
        json.dump(migrated, f)
    print(f"migrations: {2 * len(migrated)} read, {2 * len(migrated)} written")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
