// Drives an Accord server's DEK Registry through every method of @confluentinc/schemaregistry's
// DekRegistryClient, as its FieldEncryptionExecutor calls them.
//
// Usage: node dek_registry.mjs URL
//
// Every step is one client call (or one error it must throw) compared with what Confluent's
// DEK Registry answers; each prints one line. The script exits non-zero on the first
// difference, and fails if the client has a method that no step called. Its last line is
// "node dek client: N calls checked, M methods". Run by test/dekregistry_node_test.go on a
// fresh server.
import { isDeepStrictEqual } from 'node:util';
import { DekRegistryClient, RestError } from '@confluentinc/schemaregistry';

const url = process.argv[2];
const conf = { baseURLs: [url] };
let checked = 0;
const called = new Set();

function step(name, got, want) {
  if (!isDeepStrictEqual(got, want)) {
    console.log(`FAIL ${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    process.exit(1);
  }
  checked++;
  console.log(`ok ${name}`);
}

async function fails(name, fn, status, code) {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof RestError) || e.status !== status || e.errorCode !== code) {
      console.log(`FAIL ${name}: got ${e.status}/${e.errorCode} ${e}, want ${status}/${code}`);
      process.exit(1);
    }
    checked++;
    console.log(`ok ${name}: ${status}/${code}`);
    return;
  }
  console.log(`FAIL ${name}: no error, want ${status}/${code}`);
  process.exit(1);
}

// fresh is a client with empty caches, so that the registry answers.
const fresh = () => new DekRegistryClient(conf);

const c = DekRegistryClient.newClient(conf);
called.add('newClient');
step('newClient builds a real client', c instanceof DekRegistryClient, true);
step('config', c.config(), conf);
called.add('config');

await fails('getKek of an unknown KEK', () => c.getKek('kek1'), 404, 40470);
const kek = await c.registerKek('kek1', 'local-kms', 'mykey', false);
called.add('registerKek');
step('registerKek', [kek.name, kek.kmsType, kek.kmsKeyId, kek.shared, kek.deleted, kek.kmsProps, kek.doc],
  ['kek1', 'local-kms', 'mykey', false, false, {}, undefined]);
step('registerKek ts', Number.isInteger(kek.ts) && kek.ts > 0, true);
const got = await fresh().getKek('kek1');
called.add('getKek');
step('getKek', [got.name, got.kmsType, got.kmsKeyId, got.shared], ['kek1', 'local-kms', 'mykey', false]);
step('getKek deleted=true', (await fresh().getKek('kek1', true)).name, 'kek1');
await fails('registerKek of an existing KEK', () => fresh().registerKek('kek1', 'local-kms', 'other', false), 409, 40971);
await fails('registerKek with a bad name', () => fresh().registerKek('1kek', 'local-kms', 'k', false), 422, 42271);
const props = await fresh().registerKek('kek2', 'aws-kms', 'arn:aws:kms:us-east-1:111122223333:key/k', false, { b: '2', a: '1' }, 'd');
step('registerKek with props and doc', [props.kmsProps, props.doc], [{ a: '1', b: '2' }, 'd']);

const material = Buffer.from('wrapped by the client').toString('base64');
const dek = await c.registerDek('kek1', 'orders-value', 'AES256_GCM', 1, material);
called.add('registerDek');
step('registerDek', [dek.kekName, dek.subject, dek.version, dek.algorithm, dek.encryptedKeyMaterial, dek.keyMaterial, dek.deleted],
  ['kek1', 'orders-value', 1, 'AES256_GCM', material, undefined, false]);
await fails('registerDek again', () => fresh().registerDek('kek1', 'orders-value', 'AES256_GCM', 1, material), 409, 40971);
step('registerDek version 2', (await c.registerDek('kek1', 'orders-value', 'AES256_GCM', 2, material)).version, 2);
const siv = await c.registerDek('kek1', ':.ctx:orders/value', 'AES256_SIV', 1, material);
step('registerDek AES256_SIV with a context and a slash', [siv.subject, siv.algorithm], [':.ctx:orders/value', 'AES256_SIV']);
await fails('registerDek under an unknown KEK', () => c.registerDek('nope', 's', 'AES256_GCM', 1, material), 404, 40470);
await fails('registerDek without material under a KEK that is not shared', () => c.registerDek('kek1', 'other-value', 'AES256_GCM', 1), 422, 42271);

const reader = fresh();
const v1 = await reader.getDek('kek1', 'orders-value', 'AES256_GCM');
called.add('getDek');
step('getDek version 1', [v1.version, v1.encryptedKeyMaterial], [1, material]);
step('getDek ts', Number.isInteger(v1.ts) && v1.ts > 0, true);
step('getDek latest (-1)', (await reader.getDek('kek1', 'orders-value', 'AES256_GCM', -1)).version, 2);
step('getDek deleted=true', (await reader.getDek('kek1', 'orders-value', 'AES256_GCM', 2, true)).version, 2);
step('getDek AES256_SIV', (await reader.getDek('kek1', ':.ctx:orders/value', 'AES256_SIV')).subject, ':.ctx:orders/value');
await fails('getDek of a missing version', () => reader.getDek('kek1', 'orders-value', 'AES256_GCM', 3), 404, 40470);
await fails('getDek of a missing subject', () => reader.getDek('kek1', 'missing-value', 'AES256_GCM'), 404, 40470);
step('checkLatestDekInCache', await reader.checkLatestDekInCache('kek1', 'orders-value', 'AES256_GCM'), true);
called.add('checkLatestDekInCache');

step('getDekEncryptedKeyMaterialBytes', (await reader.getDekEncryptedKeyMaterialBytes(v1)).toString(), 'wrapped by the client');
called.add('getDekEncryptedKeyMaterialBytes');
step('getDekKeyMaterialBytes without key material', await reader.getDekKeyMaterialBytes(v1), null);
called.add('getDekKeyMaterialBytes');
await reader.setDekKeyMaterial(v1, Buffer.from('raw key'));
called.add('setDekKeyMaterial');
step('setDekKeyMaterial', (await reader.getDekKeyMaterialBytes(v1)).toString(), 'raw key');
await reader.close();
called.add('close');

const methods = new Set(Object.getOwnPropertyNames(DekRegistryClient.prototype).filter((m) => m !== 'constructor'));
for (const m of Object.getOwnPropertyNames(DekRegistryClient)) {
  if (typeof DekRegistryClient[m] === 'function') methods.add(m);
}
const uncalled = [...methods].filter((m) => !called.has(m) && m !== 'createDek'); // createDek: registerDek's request
if (uncalled.length > 0) {
  console.log(`FAIL methods no step called: ${uncalled.sort().join(', ')}`);
  process.exit(1);
}
console.log(`node dek client: ${checked} calls checked, ${methods.size} methods`);
