// Runs the data-contract rules of Accord's Go serde on Confluent's JavaScript side: reads the
// records Go wrote under ENCRYPT rules with @confluentinc/schemaregistry's
// FieldEncryptionExecutor and the local KMS, writes the same values back for the Go test to
// decrypt, and checks that a CEL condition rejects the record Go's serializer rejects.
//
// Usage: node rules_interop.mjs http://127.0.0.1:PORT DIR
//
// DIR holds manifest.json (written by test/rules_interop_test.go): the local KMS secret and
// the cases, each a topic whose subject Go registered with its rule set, the value, Go's
// record and, for a condition, a value the rule must reject. The serializers use the latest
// registered schema and never register one. The script writes client.json there (one record
// per case), exits non-zero on the first difference, and ends with
// "rules interop: N read, N written, M rejected".
import { isDeepStrictEqual } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AvroDeserializer, AvroSerializer, CelExecutor, FieldEncryptionExecutor, JsonDeserializer, JsonSerializer,
  LocalKmsDriver, SchemaRegistryClient, SerdeType, SerializationError,
} from '@confluentinc/schemaregistry';

const [url, dir] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

function fail(message) {
  console.error(message);
  process.exit(1);
}

FieldEncryptionExecutor.register();
LocalKmsDriver.register();
CelExecutor.register();
const ruleConfig = { secret: manifest.secret };

function serializer(client, c) {
  const conf = { autoRegisterSchemas: false, useLatestVersion: true, ruleConfig };
  return c.format === 'avro'
    ? new AvroSerializer(client, SerdeType.VALUE, conf)
    : new JsonSerializer(client, SerdeType.VALUE, conf);
}

function deserializer(client, c) {
  return c.format === 'avro'
    ? new AvroDeserializer(client, SerdeType.VALUE, { ruleConfig })
    : new JsonDeserializer(client, SerdeType.VALUE, { ruleConfig });
}

// rejects tells whether the serializer refuses the case's bad value with the rule's ERROR
// action, whose SerializationError names the rule.
async function rejects(client, c) {
  try {
    await serializer(client, c).serialize(c.topic, c.bad);
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
  if (!isDeepStrictEqual({ ...got }, c.value)) {
    fail(`${c.name}: Node read ${JSON.stringify(got)} from Go's record, want ${JSON.stringify(c.value)}`);
  }
  read++;
  if (c.bad) {
    if (!(await rejects(producer, c))) fail(`${c.name}: Node's serializer wrote ${JSON.stringify(c.bad)}, which the condition rejects`);
    rejected++;
  }
  const payload = await serializer(producer, c).serialize(c.topic, c.value);
  written.push({ name: c.name, payload: payload.toString('base64') });
}
writeFileSync(join(dir, 'client.json'), JSON.stringify(written));
console.log(`rules interop: ${read} read, ${written.length} written, ${rejected} rejected`);
