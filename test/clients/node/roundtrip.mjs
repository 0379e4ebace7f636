// Drives an Accord server through every method of @confluentinc/schemaregistry's
// SchemaRegistryClient (Confluent's JavaScript client), and round-trips values through its Avro
// and JSON Schema serdes.
//
// Usage: node roundtrip.mjs URL [--user NAME:PASSWORD] [--ca FILE [--cert FILE --key FILE]]
//                             [--incompatible-code N]
//
//   --user               send HTTP Basic credentials (basicAuthCredentials, USER_INFO); the
//                        script then also checks that clients without them, or with a wrong
//                        password, get 401
//   --ca                 CA certificate that signs the server's, for https URLs (an https.Agent
//                        with that CA in createAxiosDefaults); the script then also checks that
//                        a client without it cannot connect
//   --cert, --key        client certificate and its key (in the same https.Agent) for a server
//                        that requires one; the script then also checks that a client without
//                        one cannot connect
//   --incompatible-code  error_code the server answers an incompatible registration with
//                        (accord serve --incompatible-error-code; Confluent's is 409)
//
// Every step is one client call whose result is compared with what Confluent Schema Registry
// answers; each prints one line. The script exits non-zero on the first difference, and fails
// if the client has a method that no step called. Its last line is
// "node client: N calls checked, M methods". Run by test/clients_test.go on a fresh server.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { inspect, parseArgs } from 'node:util';
import {
  AvroDeserializer, AvroSerializer, Compatibility, JsonDeserializer, JsonSerializer, RestError,
  SchemaRegistryClient, SerdeType,
} from '@confluentinc/schemaregistry';

const order = {
  type: 'record', name: 'Order', namespace: 'shop',
  fields: [{ name: 'id', type: 'long' }, { name: 'total', type: 'double' }],
};
const orderV2 = { ...order, fields: [...order.fields, { name: 'note', type: ['null', 'string'], default: null }] };
const orderV3 = { ...order, fields: [...orderV2.fields, { name: 'channel', type: 'string', default: 'web' }] };
const breaking = { ...order, fields: [...order.fields, { name: 'required', type: 'string' }] };
const address = { type: 'record', name: 'Address', namespace: 'shop', fields: [{ name: 'city', type: 'string' }] };
const customer = { type: 'record', name: 'Customer', namespace: 'shop', fields: [{ name: 'home', type: 'shop.Address' }] };
// As Confluent stores it (Avro's Schema.toString): names relative to the enclosing namespace.
const customerStored = { ...customer, fields: [{ name: 'home', type: 'Address' }] };
const invoice = { type: 'record', name: 'Invoice', namespace: 'shop', fields: [{ name: 'n', type: 'int' }] };
const invoiceV2 = { ...invoice, fields: [...invoice.fields, { name: 'memo', type: 'string', default: '' }] };
const person = {
  $schema: 'http://json-schema.org/draft-07/schema#', type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'],
};

const avro = (schema, more = {}) => ({ schema: JSON.stringify(schema), schemaType: 'AVRO', ...more });

// Methods that keep the client's caches rather than talk to the registry: addTo…Cache and
// get…CacheSize need not be called; config, clearCaches, clearLatestCaches and close are.
const cacheHelper = (name) => /^addTo.*Cache$|^get.*CacheSize$/.test(name);
const LOCAL = new Set(['config', 'clearCaches', 'clearLatestCaches', 'close']);

let calls = 0;

function show(value) {
  let text;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = inspect(value, { depth: 0, breakLength: Infinity }); // an https.Agent, say
  }
  return text.length <= 100 ? text : `${text.slice(0, 97)}...`;
}

// ok counts one asserted call, and fails unless it returned want. The line printed shows the
// result, or shown instead (one that holds a password, say).
function ok(what, got, want, shown = got) {
  calls++;
  assert.deepStrictEqual(got, want, what);
  console.log(`ok ${String(calls).padStart(3)} ${what}: ${show(shown)}`);
}

// fails counts one call that must fail with want = [HTTP status, error_code].
async function fails(what, want, fn) {
  let got;
  try {
    got = await fn();
  } catch (e) {
    if (!(e instanceof RestError)) throw new Error(`${what}: want a RestError, got ${e}`, { cause: e });
    ok(what, [e.status, e.errorCode], want);
    return;
  }
  assert.fail(`${what}: returned ${show(got)}, want HTTP ${want[0]} error_code ${want[1]}`);
}

// tracked wraps a client and records the name of every method a step calls.
function tracked(client, used) {
  return new Proxy(client, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      used.add(name);
      return value.bind(target);
    },
  });
}

function registryMethods() {
  const names = Object.getOwnPropertyNames(SchemaRegistryClient.prototype)
    .filter((n) => n !== 'constructor' && !cacheHelper(n));
  return new Set([...names, 'newClient']);
}

// --- steps ----------------------------------------------------------------------------------

// With auth on, a client without credentials is refused from its very first call.
async function unauthenticated(conf, user) {
  const anonymous = new SchemaRegistryClient(conf);
  await fails('no credentials: getAllSubjects', [401, 401], () => anonymous.getAllSubjects());
  await fails('no credentials: register', [401, 401], () => anonymous.register('orders-value', avro(order)));
  const [name, password] = user.split(/:(.*)/s);
  const wrong = new SchemaRegistryClient({ ...conf, basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `${name}:not-the-password` } });
  await fails('wrong password: getDefaultCompatibility', [401, 401], () => wrong.getDefaultCompatibility());
  const stranger = new SchemaRegistryClient({ ...conf, basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `mallory:${password}` } });
  await fails('unknown user: getAllSubjects', [401, 401], () => stranger.getAllSubjects());
}

// cannotConnect counts one call that must fail in the TLS handshake with one of codes.
async function cannotConnect(what, conf, codes) {
  const client = new SchemaRegistryClient({ ...conf, maxRetries: 0 });
  let got;
  try {
    got = await client.getAllSubjects();
  } catch (e) {
    if (e instanceof RestError) assert.fail(`${what}: the server answered ${e.message}`);
    const code = codes.find((c) => `${e.code} ${e.message}`.includes(c));
    ok(`${what}: getAllSubjects fails`, code !== undefined, true, code ?? `${e.code} ${e.message}`);
    return;
  }
  assert.fail(`${what}: getAllSubjects returned ${show(got)}`);
}

// Over https, a client that does not trust the server's CA cannot connect, nor can a client
// without a certificate when the server requires one.
async function untrusted(url, ca, requiresCertificate) {
  await cannotConnect('untrusted CA', { baseURLs: [url] },
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
  if (requiresCertificate) {
    const conf = { baseURLs: [url], createAxiosDefaults: { httpsAgent: new Agent({ ca }) } };
    await cannotConnect('no client certificate', conf, ['CERTIFICATE_REQUIRED']);
  }
}

async function clientItself(c, conf, used) {
  // The configuration may hold a password: the lines show its keys.
  ok('config', c.config(), conf, Object.keys(conf));
  used.add('newClient');
  const other = SchemaRegistryClient.newClient(conf);
  ok('newClient', [other instanceof SchemaRegistryClient, other.config()], [true, conf], other.constructor.name);
}

async function serverWide(c) {
  ok('getAllSubjects (empty registry)', await c.getAllSubjects(), []);
  ok('getDefaultCompatibility', await c.getDefaultCompatibility(), Compatibility.BACKWARD);
  ok('getDefaultConfig', await c.getDefaultConfig(), { compatibilityLevel: 'BACKWARD' });
}

// register registers orders-value v1 and v2 and returns [id1, id2, guid2].
async function register(writer, conf, incompatible) {
  const id1 = await writer.register('orders-value', avro(order));
  ok('register v1', id1, 1);
  // A fresh client, so that no cache answers: the same schema, differently formatted.
  const again = { schema: JSON.stringify(order, null, 2), schemaType: 'AVRO' };
  ok('register again (reformatted)', await new SchemaRegistryClient(conf).register('orders-value', again), id1);
  const full = await writer.registerFullResponse('orders-value', avro(orderV2));
  ok('registerFullResponse v2', [full.id, full.version, full.guid?.length], [2, 2, 36]);
  await fails('register incompatible', [409, incompatible], () => writer.register('orders-value', avro(breaking)));
  await fails('register invalid Avro', [422, 42201],
    () => writer.register('orders-value', { schema: '{"type": "record", "name": "x"}', schemaType: 'AVRO' }));
  return [id1, full.id, full.guid];
}

async function readBack(reader, id1, id2, guid2) {
  const got = await reader.getBySubjectAndId('orders-value', id1);
  ok('getBySubjectAndId', [JSON.parse(got.schema), got.references ?? []], [order, []]);
  await fails('getBySubjectAndId unknown id', [404, 40403], () => reader.getBySubjectAndId('orders-value', 4242));
  ok('getByGuid', JSON.parse((await reader.getByGuid(guid2)).schema), orderV2);
  await fails('getByGuid unknown', [404, 40403], () => reader.getByGuid('00000000-0000-0000-0000-000000000000'));
  ok('getId', await reader.getId('orders-value', avro(order)), id1);
  const found = await reader.getIdFullResponse('orders-value', avro(orderV2));
  ok('getIdFullResponse', [found.id, found.version, found.subject, found.guid], [id2, 2, 'orders-value', guid2]);
  await fails('getId unregistered schema', [404, 40403], () => reader.getId('orders-value', avro(breaking)));
  await fails('getId unknown subject', [404, 40401], () => reader.getId('no-such-subject', avro(order)));
  ok('getVersion', await reader.getVersion('orders-value', avro(orderV2)), 2);
  ok('getAllSubjects', await reader.getAllSubjects(), ['orders-value']);
  ok('getAllVersions', await reader.getAllVersions('orders-value'), [1, 2]);
  await fails('getAllVersions unknown subject', [404, 40401], () => reader.getAllVersions('no-such-subject'));
  const v1 = await reader.getSchemaMetadata('orders-value', 1);
  ok('getSchemaMetadata 1', [v1.id, v1.version, v1.subject, JSON.parse(v1.schema)], [id1, 1, 'orders-value', order]);
  await fails('getSchemaMetadata unknown version', [404, 40402], () => reader.getSchemaMetadata('orders-value', 9));
  const latest = await reader.getLatestSchemaMetadata('orders-value');
  ok('getLatestSchemaMetadata', [latest.id, latest.version, latest.guid], [id2, 2, guid2]);
  await fails('getLatestSchemaMetadata unknown subject', [404, 40401], () => reader.getLatestSchemaMetadata('no-such-subject'));
}

async function compatibility(c) {
  ok('testSubjectCompatibility optional field', await c.testSubjectCompatibility('orders-value', avro(orderV3)), true);
  ok('testSubjectCompatibility required field', await c.testSubjectCompatibility('orders-value', avro(breaking)), false);
  ok('testCompatibility vs version 1', await c.testCompatibility('orders-value', 1, avro(orderV2)), true);
  ok('testCompatibility required field vs version 2', await c.testCompatibility('orders-value', 2, avro(breaking)), false);
  await fails('testCompatibility unknown version', [404, 40402], () => c.testCompatibility('orders-value', 9, avro(orderV3)));
}

async function config(c) {
  ok('updateDefaultCompatibility', await c.updateDefaultCompatibility(Compatibility.FULL_TRANSITIVE), Compatibility.FULL_TRANSITIVE);
  ok('getDefaultCompatibility after update', await c.getDefaultCompatibility(), Compatibility.FULL_TRANSITIVE);
  await fails('updateDefaultCompatibility invalid level', [422, 42203], () => c.updateDefaultCompatibility('SIDEWAYS'));
  // The subject level overrides it: NONE accepts what BACKWARD refused.
  ok('updateCompatibility', await c.updateCompatibility('orders-value', Compatibility.NONE), Compatibility.NONE);
  ok('getCompatibility', await c.getCompatibility('orders-value'), Compatibility.NONE);
  ok('testSubjectCompatibility under NONE', await c.testSubjectCompatibility('orders-value', avro(breaking)), true);
  await fails('getCompatibility of unconfigured subject', [404, 40408], () => c.getCompatibility('no-such-subject'));
  await fails('getConfig of unconfigured subject', [404, 40408], () => c.getConfig('no-such-subject'));
  const update = { compatibility: Compatibility.FULL, compatibilityGroup: 'app.major', defaultMetadata: { properties: { owner: 'team-a' } } };
  ok('updateConfig', await c.updateConfig('orders-value', update), update);
  ok('getConfig', await c.getConfig('orders-value'),
    { compatibilityLevel: 'FULL', compatibilityGroup: 'app.major', defaultMetadata: { properties: { owner: 'team-a' } } });
  ok('updateDefaultConfig', await c.updateDefaultConfig({ compatibility: Compatibility.BACKWARD }), { compatibility: 'BACKWARD' });
  ok('getDefaultConfig after update', await c.getDefaultConfig(), { compatibilityLevel: 'BACKWARD' });
  ok('updateConfig back to BACKWARD', (await c.updateConfig('orders-value', { compatibility: Compatibility.BACKWARD })).compatibility, 'BACKWARD');
}

async function metadata(c) {
  const owned = (schema, owner) => avro(schema, { metadata: { properties: { owner } } });
  const first = await c.register('invoices-value', owned(invoice, 'billing'));
  const second = await c.register('invoices-value', owned(invoiceV2, 'finance'));
  const got = await c.getLatestWithMetadata('invoices-value', { owner: 'billing' });
  ok('getLatestWithMetadata billing', [got.id, got.version, got.metadata], [first, 1, { properties: { owner: 'billing' } }]);
  const got2 = await c.getLatestWithMetadata('invoices-value', { owner: 'finance' });
  ok('getLatestWithMetadata finance', [got2.id, got2.version], [second, 2]);
  await fails('getLatestWithMetadata no match', [404, 40403], () => c.getLatestWithMetadata('invoices-value', { owner: 'nobody' }));
}

async function references(writer, reader) {
  const addressId = await writer.register('address', avro(address));
  const ref = { name: 'shop.Address', subject: 'address', version: 1 };
  const customerId = await writer.register('customer', avro(customer, { references: [ref] }));
  ok('register with a reference', customerId, addressId + 1);
  const got = await reader.getBySubjectAndId('customer', customerId);
  ok('getBySubjectAndId returns the references', [JSON.parse(got.schema), got.references], [customerStored, [ref]]);
  ok('getSchemaMetadata returns the references', (await reader.getSchemaMetadata('customer', 1)).references, [ref]);
  ok('getId with a reference', await reader.getId('customer', avro(customer, { references: [ref] })), customerId);
  await fails('deleteSubject of a referenced subject', [422, 42206], () => writer.deleteSubject('address'));
  await fails('deleteSubjectVersion of a referenced version', [422, 42206], () => writer.deleteSubjectVersion('address', 1));
  await fails('register with a missing reference', [422, 42201],
    () => writer.register('dangling', avro(customer, { references: [{ ...ref, version: 7 }] })));
}

async function deletes(c) {
  await c.register('temp', avro(order));
  await c.register('temp', avro(orderV2));
  await fails('deleteSubjectVersion permanent before soft', [404, 40407], () => c.deleteSubjectVersion('temp', 2, true));
  ok('deleteSubjectVersion soft', await c.deleteSubjectVersion('temp', 2), 2);
  ok('getAllVersions after soft delete', await c.getAllVersions('temp'), [1]);
  await fails('getSchemaMetadata of a soft-deleted version', [404, 40402], () => c.getSchemaMetadata('temp', 2));
  ok('getSchemaMetadata deleted', (await c.getSchemaMetadata('temp', 2, true)).version, 2);
  ok('getVersion deleted', await c.getVersion('temp', avro(orderV2), false, true), 2);
  await fails('deleteSubjectVersion soft twice', [404, 40406], () => c.deleteSubjectVersion('temp', 2));
  ok('deleteSubjectVersion permanent', await c.deleteSubjectVersion('temp', 2, true), 2);
  // The client keeps getSchemaMetadata(…, deleted = true) cached under a key that
  // deleteSubjectVersion does not remove, so only a fresh cache asks the registry.
  c.clearCaches();
  await fails('getSchemaMetadata deleted after permanent delete', [404, 40402], () => c.getSchemaMetadata('temp', 2, true));
  await fails('deleteSubjectVersion unknown subject', [404, 40401], () => c.deleteSubjectVersion('no-such-subject', 1));
  await fails('deleteSubjectVersion unknown version', [404, 40402], () => c.deleteSubjectVersion('temp', 9));
  await fails('deleteSubject permanent before soft', [404, 40405], () => c.deleteSubject('temp', true));
  ok('deleteSubject soft', await c.deleteSubject('temp'), [1]);
  ok('getAllSubjects after soft delete', (await c.getAllSubjects()).includes('temp'), false);
  await fails('getAllVersions of a soft-deleted subject', [404, 40401], () => c.getAllVersions('temp'));
  await fails('deleteSubject soft twice', [404, 40404], () => c.deleteSubject('temp'));
  ok('deleteSubject permanent', await c.deleteSubject('temp', true), [1]);
  await fails('deleteSubject permanent twice', [404, 40401], () => c.deleteSubject('temp', true));
}

async function caches(c) {
  ok('getLatestSchemaMetadata before v3', (await c.getLatestSchemaMetadata('orders-value')).version, 2);
  const v3 = await c.register('orders-value', avro(orderV3));
  ok("getLatestSchemaMetadata answered from the client's cache", (await c.getLatestSchemaMetadata('orders-value')).version, 2);
  c.clearLatestCaches();
  const latest = await c.getLatestSchemaMetadata('orders-value');
  ok('getLatestSchemaMetadata after clearLatestCaches', [latest.id, latest.version], [v3, 3]);
  c.clearCaches();
  ok('getBySubjectAndId after clearCaches', JSON.parse((await c.getBySubjectAndId('orders-value', v3)).schema), orderV3);
  return v3;
}

// Confluent 8.2's associations: a topic bound to an existing subject (WEAK, no schema), listed
// by resource name, then deleted.
async function associations(c) {
  const byName = () => c.getAssociationsByResourceName('orders', 'lkc-1', 'topic', ['value'], null, 0, -1);
  ok('getAssociationsByResourceName (none yet)', await byName(), []);
  const request = {
    resourceName: 'orders', resourceNamespace: 'lkc-1', resourceId: 't-1', resourceType: 'topic',
    associations: [{ subject: 'orders-value', associationType: 'value' }],
  };
  const got = await c.createAssociation(request);
  ok('createAssociation',
    [got.resourceName, got.resourceNamespace, got.resourceId, got.resourceType,
      got.associations.map((a) => [a.subject, a.associationType, a.lifecycle, a.frozen ?? false])],
    ['orders', 'lkc-1', 't-1', 'topic', [['orders-value', 'value', 'WEAK', false]]]);
  ok('getAssociationsByResourceName',
    (await byName()).map((a) => [a.subject, a.resourceId, a.resourceType, a.associationType, a.frozen ?? false]),
    [['orders-value', 't-1', 'topic', 'value', false]]);
  ok('deleteAssociations', await c.deleteAssociations('t-1', 'topic', null, false), undefined);
  ok('getAssociationsByResourceName after delete', await byName(), []);
  await fails('deleteAssociations unknown resource', [404, 40410], () => c.deleteAssociations('t-1', 'topic', null, false));
}

async function serdes(client) {
  const ser = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true });
  const de = new AvroDeserializer(client, SerdeType.VALUE, {});
  const record = { id: 7, total: 12.5 };
  // Without a schema the serializer infers one from the record and registers it.
  const bytes = await ser.serialize('payments', record);
  ok('avro serializer writes magic byte 0', bytes[0], 0);
  ok('avro round trip', { ...(await de.deserialize('payments', bytes)) }, record);
  // The JSON serializer uses the latest version of the topic's subject, as a producer with a
  // schema file does.
  await client.register('people-value', { schema: JSON.stringify(person), schemaType: 'JSON' });
  const jsonSer = new JsonSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, validate: true });
  const jsonDe = new JsonDeserializer(client, SerdeType.VALUE, { validate: true });
  const ada = { name: 'Ada', age: 36 };
  ok('json round trip', await jsonDe.deserialize('people', await jsonSer.serialize('people', ada)), ada);
}

async function closed(c, v3) {
  ok('id cache filled before close', (await c.getIdToSchemaInfoCacheSize()) > 0, true);
  await c.close();
  ok('close empties the caches', await c.getIdToSchemaInfoCacheSize(), 0);
  ok('getBySubjectAndId after close', JSON.parse((await c.getBySubjectAndId('orders-value', v3)).schema), orderV3);
}

const { values: opts, positionals: [url] } = parseArgs({
  allowPositionals: true,
  options: {
    user: { type: 'string' }, ca: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' },
    'incompatible-code': { type: 'string', default: '409' },
  },
});
const conf = { baseURLs: [url], maxRetries: 0 };
if (opts.ca) {
  const ca = readFileSync(opts.ca);
  await untrusted(url, ca, Boolean(opts.cert));
  const identity = opts.cert ? { cert: readFileSync(opts.cert), key: readFileSync(opts.key) } : {};
  conf.createAxiosDefaults = { httpsAgent: new Agent({ ca, ...identity }) };
}
if (opts.user) {
  await unauthenticated({ ...conf }, opts.user);
  conf.basicAuthCredentials = { credentialsSource: 'USER_INFO', userInfo: opts.user };
}

const used = new Set();
const writer = tracked(new SchemaRegistryClient(conf), used);
// The reader is another process's client in practice: nothing it reads comes from the
// writer's cache.
const reader = tracked(new SchemaRegistryClient(conf), used);

await clientItself(writer, conf, used);
await serverWide(reader);
const [id1, id2, guid2] = await register(writer, conf, Number(opts['incompatible-code']));
await readBack(reader, id1, id2, guid2);
await compatibility(reader);
await config(writer);
await metadata(writer);
await references(writer, reader);
await deletes(writer);
const v3 = await caches(reader);
await associations(writer);
await serdes(new SchemaRegistryClient(conf));
await closed(reader, v3);

const missing = [...registryMethods()].filter((m) => !used.has(m)).sort();
if (missing.length > 0) assert.fail(`SchemaRegistryClient methods no step calls: ${missing.join(', ')}`);
const covered = [...registryMethods()];
const remote = covered.filter((m) => !LOCAL.has(m)).length;
console.log(`node client: ${calls} calls checked, ${covered.length} methods (${remote} talk to the registry)`);
