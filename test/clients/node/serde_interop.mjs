// Reads the records Accord's Go serializers wrote with @confluentinc/schemaregistry's Avro and
// JSON deserializers, and writes the same values with its serializers for the Go test to read.
//
// Usage: node serde_interop.mjs http://127.0.0.1:PORT DIR
//
// DIR holds manifest.json (written by test/serde_interop_test.go); the script writes
// client.json there. It exits non-zero on the first value that differs.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AvroDeserializer, AvroSerializer, HeaderSchemaIdSerializer, JsonDeserializer, JsonSerializer,
  PrefixSchemaIdSerializer, SchemaRegistryClient, SerdeType,
} from '@confluentinc/schemaregistry';

const [url, dir] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const client = new SchemaRegistryClient({ baseURLs: [url] });
const cases = Object.fromEntries(manifest.cases.map((c) => [c.name, c]));

function deserializer(c) {
  return c.format === 'avro'
    ? new AvroDeserializer(client, SerdeType.VALUE, {})
    : new JsonDeserializer(client, SerdeType.VALUE, {});
}

// The serializers write with the version the Go side registered, as a producer configured
// with use.latest.version does.
function serializer(c) {
  const conf = {
    autoRegisterSchemas: false, useLatestVersion: true,
    schemaIdSerializer: c.header ? HeaderSchemaIdSerializer : PrefixSchemaIdSerializer,
  };
  return c.format === 'avro'
    ? new AvroSerializer(client, SerdeType.VALUE, conf)
    : new JsonSerializer(client, SerdeType.VALUE, conf);
}

// Plain JSON data: avsc gives records as objects of a generated class.
const plain = (v) => JSON.parse(JSON.stringify(v));

let read = 0;
for (const rec of manifest.go) {
  const c = cases[rec.name];
  const headers = Object.fromEntries(rec.headers.map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  assert.equal(rec.headers.length > 0, c.header, `${c.name}: header expected ${c.header}`);
  const value = await deserializer(c).deserialize(c.topic, Buffer.from(rec.payload, 'base64'), headers);
  assert.deepEqual(plain(value), c.expected, `${c.name}: Node read a different value from the Go record`);
  read++;
}

const written = [];
for (const c of manifest.cases) {
  const headers = {};
  const payload = await serializer(c).serialize(c.topic, c.expected, headers);
  assert.equal(Object.keys(headers).length > 0, c.header, `${c.name}: header written ${Object.keys(headers)}`);
  written.push({
    name: c.name,
    payload: payload.toString('base64'),
    headers: Object.entries(headers).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  });
}
writeFileSync(join(dir, 'client.json'), JSON.stringify(written));
console.log(`serde interop: read ${read} Go records, wrote ${written.length}`);
