// Runs the data-contract rules of Accord's Go serde on Confluent's JavaScript side: reads the
// records Go wrote under ENCRYPT rules with @confluentinc/schemaregistry's
// FieldEncryptionExecutor and the local KMS, writes the same values back for the Go test to
// decrypt, and checks that a CEL condition rejects the record Go's serializer rejects. Then
// runs the JSONata migrations between two major versions of a subject: reads Go's records of
// each major version as the other one, and writes the same person under each for Go to read
// as the other.
//
// Usage: node rules_interop.mjs http://127.0.0.1:PORT DIR
//
// DIR holds manifest.json (written by test/rules_interop_test.go): the local KMS secret and
// the cases, each a topic whose subject Go registered with its rule set, the value, Go's
// record and, for a condition, a value the rule must reject. The serializers use the latest
// registered schema and never register one. The script writes client.json there (one record
// per case), exits non-zero on the first difference, and ends with
// "rules interop: N read, N written, M rejected". The manifest's migrations each name a
// subject with major versions 1 (field ssn) and 2 (socialSecurityNumber), the person as
// each, and Go's record of each; the script's records of them go to migrations.json, and it
// prints "migrations: N read, N written".
import { isDeepStrictEqual } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileRegistry, createMutableRegistry, fromBinary, fromJson } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import {
  AvroDeserializer, AvroSerializer, CelExecutor, FieldEncryptionExecutor, JsonataExecutor, JsonDeserializer, JsonSerializer,
  LocalKmsDriver, ProtobufDeserializer, ProtobufSerializer, SchemaRegistryClient, SerdeType, SerializationError,
} from '@confluentinc/schemaregistry';

const [url, dir] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
// The messages of the .proto file the Go test compiled.
const messages = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(manifest.descriptors)));

function fail(message) {
  console.error(message);
  process.exit(1);
}

FieldEncryptionExecutor.register();
LocalKmsDriver.register();
CelExecutor.register();
JsonataExecutor.register();
const ruleConfig = { secret: manifest.secret };

function serializer(client, c) {
  const conf = { autoRegisterSchemas: false, useLatestVersion: true, ruleConfig };
  switch (c.format) {
    case 'avro': return new AvroSerializer(client, SerdeType.VALUE, conf);
    case 'json': return new JsonSerializer(client, SerdeType.VALUE, conf);
    default: return new ProtobufSerializer(client, SerdeType.VALUE, { ...conf, registry: createMutableRegistry(messages) });
  }
}

function deserializer(client, c) {
  switch (c.format) {
    case 'avro': return new AvroDeserializer(client, SerdeType.VALUE, { ruleConfig });
    case 'json': return new JsonDeserializer(client, SerdeType.VALUE, { ruleConfig });
    default: return new ProtobufDeserializer(client, SerdeType.VALUE, { ruleConfig });
  }
}

// asWritten is the manifest's value as the case's serializer takes it.
function asWritten(c, value) {
  if (c.format !== 'protobuf') return value;
  const desc = messages.getMessage(c.message);
  if (desc === undefined) fail(`${c.name}: no message ${c.message} in ${manifest.descriptors}`);
  return fromJson(desc, value);
}

// plain is a deserialized value as the manifest writes it: a message's fields without its
// type name, int64 as a number.
function plain(c, value) {
  if (c.format !== 'protobuf') return { ...value };
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('$'))
    .map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
}

// rejects tells whether the serializer refuses the case's bad value with the rule's ERROR
// action, whose SerializationError names the rule.
async function rejects(client, c) {
  try {
    await serializer(client, c).serialize(c.topic, asWritten(c, c.bad));
  } catch (e) {
    if (!(e instanceof SerializationError) || !e.message.includes(`rule ${c.rule} failed`)) {
      fail(`${c.name}: ${e}, want the condition error of rule ${c.rule}`);
    }
    return true;
  }
  return false;
}

// The consumer and the producer have a client each, as two programs would.
const consumer = new SchemaRegistryClient({ baseURLs: [url] });
const producer = new SchemaRegistryClient({ baseURLs: [url] });
let read = 0;
let rejected = 0;
const written = [];
for (const c of manifest.cases) {
  const got = await deserializer(consumer, c).deserialize(c.topic, Buffer.from(c.go, 'base64'));
  if (!isDeepStrictEqual(plain(c, got), c.value)) {
    fail(`${c.name}: Node read ${JSON.stringify(got)} from Go's record, want ${JSON.stringify(c.value)}`);
  }
  read++;
  if (c.bad) {
    if (!(await rejects(producer, c))) fail(`${c.name}: Node's serializer wrote ${JSON.stringify(c.bad)}, which the condition rejects`);
    rejected++;
  }
  const payload = await serializer(producer, c).serialize(c.topic, asWritten(c, c.value));
  written.push({ name: c.name, payload: payload.toString('base64') });
}
writeFileSync(join(dir, 'client.json'), JSON.stringify(written));
console.log(`rules interop: ${read} read, ${written.length} written, ${rejected} rejected`);

// asMajor is the configuration that reads and writes a subject's latest schema of a major
// version.
const asMajor = (major) => ({ useLatestWithMetadata: { major_version: major } });

function migrationSerializer(client, c, major) {
  const conf = { autoRegisterSchemas: false, ...asMajor(major) };
  return c.format === 'avro' ? new AvroSerializer(client, SerdeType.VALUE, conf) : new JsonSerializer(client, SerdeType.VALUE, conf);
}

function migrationDeserializer(client, c, major) {
  const conf = asMajor(major);
  return c.format === 'avro' ? new AvroDeserializer(client, SerdeType.VALUE, conf) : new JsonDeserializer(client, SerdeType.VALUE, conf);
}

// migrate reads Go's record of each major version as the other, and writes the person as each.
async function migrate(c) {
  for (const [record, major, want] of [[c.goV1, '2', c.v2], [c.goV2, '1', c.v1]]) {
    const got = await migrationDeserializer(consumer, c, major).deserialize(c.topic, Buffer.from(record, 'base64'));
    // As JSON: Avro records come as instances of avsc's record classes.
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(got)), want)) {
      fail(`${c.name}: Node read ${JSON.stringify(got)} from Go's record as major ${major}, want ${JSON.stringify(want)}`);
    }
  }
  const v1 = await migrationSerializer(producer, c, '1').serialize(c.topic, c.v1);
  const v2 = await migrationSerializer(producer, c, '2').serialize(c.topic, c.v2);
  return { name: c.name, v1: v1.toString('base64'), v2: v2.toString('base64') };
}

const migrated = [];
for (const c of manifest.migrations) migrated.push(await migrate(c));
writeFileSync(join(dir, 'migrations.json'), JSON.stringify(migrated));
console.log(`migrations: ${2 * migrated.length} read, ${2 * migrated.length} written`);
