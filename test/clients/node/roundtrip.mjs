// Drives an Accord server with @confluentinc/schemaregistry (Confluent's JavaScript client)
// and its Avro serdes.
//
// Usage: node roundtrip.mjs http://127.0.0.1:PORT
//
// Exits non-zero with a message on the first behaviour that differs from what the client
// expects of Confluent Schema Registry. Run by test/clients_test.go.
import assert from 'node:assert/strict';
import {
  AvroDeserializer, AvroSerializer, Compatibility, RestError, SchemaRegistryClient, SerdeType,
} from '@confluentinc/schemaregistry';

const order = {
  type: 'record', name: 'Order', namespace: 'shop',
  fields: [{ name: 'id', type: 'long' }, { name: 'total', type: 'double' }],
};
const orderV2 = { ...order, fields: [...order.fields, { name: 'note', type: ['null', 'string'], default: null }] };
const breaking = { ...order, fields: [...order.fields, { name: 'required', type: 'string' }] };
const avro = (schema) => ({ schema: JSON.stringify(schema), schemaType: 'AVRO' });

async function expectError(code, fn) {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof RestError, `want a RestError, got ${e}`);
    assert.equal(e.errorCode, code, e.message);
    return;
  }
  assert.fail(`no error, want ${code}`);
}

async function registryCalls(client) {
  const id = await client.register('orders-value', avro(order));
  assert.equal(await client.register('orders-value', avro(order)), id, 're-register must keep the id');
  const info = await client.getBySubjectAndId('orders-value', id);
  assert.deepEqual(JSON.parse(info.schema), order);
  assert.equal(await client.getId('orders-value', avro(order)), id, 'getId (lookup)');
  assert.equal(await client.testSubjectCompatibility('orders-value', avro(orderV2)), true, 'optional field is compatible');
  assert.equal(await client.testCompatibility('orders-value', 1, avro(breaking)), false, 'required field is incompatible');
  await expectError(409, () => client.register('orders-value', avro(breaking)));
  const id2 = await client.register('orders-value', avro(orderV2));
  const latest = await client.getLatestSchemaMetadata('orders-value');
  assert.equal(latest.id, id2);
  assert.equal(latest.version, 2);
  assert.equal((await client.getSchemaMetadata('orders-value', 1)).id, id);
  assert.deepEqual(await client.getAllVersions('orders-value'), [1, 2]);
  assert.equal(await client.getVersion('orders-value', avro(orderV2)), 2);
  assert.ok((await client.getAllSubjects()).includes('orders-value'));
  assert.equal(await client.updateCompatibility('orders-value', Compatibility.FULL), Compatibility.FULL);
  assert.equal(await client.getCompatibility('orders-value'), Compatibility.FULL);
  assert.equal(await client.getDefaultCompatibility(), Compatibility.BACKWARD);
  if (latest.guid) {
    assert.deepEqual(JSON.parse((await client.getByGuid(latest.guid)).schema), orderV2);
  }
  await expectError(40401, () => client.getLatestSchemaMetadata('no-such-subject'));
}

async function serdes(client) {
  const ser = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true });
  const de = new AvroDeserializer(client, SerdeType.VALUE, {});
  const record = { id: 7, total: 12.5 };
  // Without a schema the serializer infers one from the record and registers it.
  const bytes = await ser.serialize('payments', record);
  assert.equal(bytes[0], 0, 'wire format starts with magic byte 0');
  assert.deepEqual({ ...(await de.deserialize('payments', bytes)) }, record);
}

async function deletes(client) {
  await client.register('temp', avro(order));
  assert.equal(await client.deleteSubjectVersion('temp', 1, false), 1);
  assert.deepEqual(await client.deleteSubject('temp', true), [1]);
  await expectError(40401, () => client.getAllVersions('temp'));
}

const client = new SchemaRegistryClient({ baseURLs: [process.argv[2]], maxRetries: 0 });
await registryCalls(client);
await serdes(client);
await deletes(client);
console.log('node client: all checks passed');
