// Reads the records Accord's Go serializers wrote with @confluentinc/schemaregistry's
// deserializers, and writes the same values with its serializers for the Go test to read.
//
// Usage: node serde_interop.mjs http://127.0.0.1:PORT DIR
//
// DIR holds manifest.json (written by test/serde_interop_test.go: the cases, their expected
// values, and Go's records); the script writes client.json there, one record per case, on
// the case's client_topic. It exits non-zero on the first value that differs, and ends with
// "serde interop: N values checked, N written".
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileRegistry, createMutableRegistry, fromBinary, fromJson, toJson } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import {
  AvroDeserializer, AvroSerializer, HeaderSchemaIdSerializer, JsonDeserializer, JsonSerializer,
  PrefixSchemaIdSerializer, ProtobufDeserializer, ProtobufSerializer, SchemaRegistryClient, SerdeType,
} from '@confluentinc/schemaregistry';

const [url, dir] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
// The messages of the .proto files the Go test compiled.
const messages = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(manifest.descriptors)));

function fail(message) {
  console.error(message);
  process.exit(1);
}

function message(c) {
  const desc = messages.getMessage(c.message);
  if (desc === undefined) fail(`${c.name}: no message ${c.message} in ${manifest.descriptors}`);
  return desc;
}

function deserializer(client, c) {
  switch (c.format) {
    case 'avro': return new AvroDeserializer(client, SerdeType.VALUE, {});
    case 'json': return new JsonDeserializer(client, SerdeType.VALUE, { validate: true });
    default: return new ProtobufDeserializer(client, SerdeType.VALUE, {});
  }
}

// The Avro and JSON serializers derive a schema from the value when they auto-register, so
// the script registers the case's schema on its topic's subject (TopicNameStrategy) and
// the serializers use that latest version, as a Node producer with a schema file does.
// The Protobuf serializer auto-registers the message's file and its imports.
async function serializer(client, c) {
  const schemaIdSerializer = c.header ? HeaderSchemaIdSerializer : PrefixSchemaIdSerializer;
  if (c.format === 'protobuf') {
    return new ProtobufSerializer(client, SerdeType.VALUE,
      { autoRegisterSchemas: true, schemaIdSerializer, registry: createMutableRegistry(messages) });
  }
  await client.register(`${c.client_topic}-value`,
    { schemaType: c.format === 'avro' ? 'AVRO' : 'JSON', schema: c.schema, references: c.references }, false);
  const conf = { autoRegisterSchemas: false, useLatestVersion: true, schemaIdSerializer };
  return c.format === 'avro'
    ? new AvroSerializer(client, SerdeType.VALUE, conf)
    : new JsonSerializer(client, SerdeType.VALUE, { ...conf, validate: true });
}

// toPlain is a value as the manifest's expected JSON writes it.
function toPlain(c, value) {
  if (c.format === 'protobuf') {
    if (value.$typeName !== c.message) fail(`${c.name}: Node read a ${value.$typeName}, want a ${c.message}`);
    return toJson(message(c), value, { useProtoFieldName: true });
  }
  const out = { ...value };
  for (const f of c.bytes_fields) out[f] = Buffer.from(value[f]).toString('base64');
  return JSON.parse(JSON.stringify(out)); // avsc's records are objects of generated classes
}

// fromPlain is the expected value as the serializer takes it.
function fromPlain(c, expected) {
  if (c.format === 'protobuf') return fromJson(message(c), expected);
  const out = { ...expected };
  for (const f of c.bytes_fields) out[f] = Buffer.from(expected[f], 'base64');
  return out;
}

// differences lists the paths at which two plain values differ.
function differences(want, got, path = '') {
  const isObject = (v) => v !== null && typeof v === 'object';
  if (isObject(want) && isObject(got) && Array.isArray(want) === Array.isArray(got)) {
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    return [...keys].sort().flatMap((k) => differences(want[k], got[k], `${path}.${k}`));
  }
  return Object.is(want, got) ? [] : [`${path || '.'}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`];
}

async function checkGoRecord(client, c, rec) {
  const headers = Object.fromEntries(rec.headers.map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  if (('__value_schema_id' in headers) !== c.header) {
    fail(`${c.name}: the Go record's headers are ${JSON.stringify(rec.headers)}, want a schema id header: ${c.header}`);
  }
  const value = await deserializer(client, c).deserialize(c.topic, Buffer.from(rec.payload, 'base64'), headers);
  const diff = differences(c.expected, toPlain(c, value));
  if (diff.length > 0) fail(`${c.name}: Node read a different value from the Go record:\n  ${diff.join('\n  ')}`);
}

async function writeRecord(client, c) {
  const headers = {};
  const payload = await (await serializer(client, c)).serialize(c.client_topic, fromPlain(c, c.expected), headers);
  if ((Object.keys(headers).length > 0) !== c.header) {
    fail(`${c.name}: the serializer wrote headers ${Object.keys(headers)}, want a schema id header: ${c.header}`);
  }
  return {
    name: c.name,
    payload: payload.toString('base64'),
    headers: Object.entries(headers).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  };
}

// The consumer and the producer have a client each, as they would in two programs.
const consumer = new SchemaRegistryClient({ baseURLs: [url] });
const producer = new SchemaRegistryClient({ baseURLs: [url] });
const goRecords = Object.fromEntries(manifest.go.map((r) => [r.name, r]));
let checked = 0;
const written = [];
for (const c of manifest.cases) {
  await checkGoRecord(consumer, c, goRecords[c.name]);
  checked++;
  written.push(await writeRecord(producer, c));
}
writeFileSync(join(dir, 'client.json'), JSON.stringify(written));
console.log(`serde interop: ${checked} values checked, ${written.length} written`);
