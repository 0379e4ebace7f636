package test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bufbuild/protocompile/linker"
	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/jsonschema"
	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/serde/protobuf"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/cel"
	"github.com/accord-registry/accord/serde/rules/encryption"
	"github.com/accord-registry/accord/serde/rules/jsonata"
)

// Data contracts across clients: a subject's ENCRYPT and CEL rules, executed by Accord's Go
// serde and by Confluent's Python and JavaScript serializers through one running Accord,
// must give the same result on both sides. The Go test registers each case's schema with
// its rule set, writes the case's value with Go's serializer and hands the records to the
// client script (a manifest, as in serde_interop_test.go); the script decrypts and checks
// them, checks that its serializer rejects what the condition rejects, and writes the same
// values; the Go test decrypts and checks those. Both sides share only the registry (with
// its DEK Registry) and the local KMS secret, as two programs would.

// rulesInteropSecret is the local KMS secret both sides are configured with.
const rulesInteropSecret = "an interop secret for the local KMS"

// rulesPerson is the value of every case: two fields tagged PII and two plain ones.
type rulesPerson struct {
	ID   int64  `avro:"id" json:"id"`
	Name string `avro:"name" json:"name"`
	SSN  string `avro:"ssn" json:"ssn"`
	City string `avro:"city" json:"city"`
}

const rulesPersonAvro = `{"type":"record","name":"Person","namespace":"com.acme","fields":[` +
	`{"name":"id","type":"long"},{"name":"name","type":"string","confluent:tags":["PII"]},` +
	`{"name":"ssn","type":"string","confluent:tags":["PII"]},{"name":"city","type":"string"}]}`

const rulesPersonJSON = `{"type":"object","title":"Person","properties":{"id":{"type":"integer"},` +
	`"name":{"type":"string","confluent:tags":["PII"]},"ssn":{"type":"string","confluent:tags":["PII"]},` +
	`"city":{"type":"string"}},"required":["id","name","ssn","city"]}`

// rulesCase is one subject with a rule set, as the manifest carries it.
type rulesCase struct {
	Name   string       `json:"name"`
	Format string       `json:"format"` // avro, json or protobuf
	Topic  string       `json:"topic"`  // the subject is Topic-value
	Rule   string       `json:"rule"`   // the name of the case's rule
	Value  rulesPerson  `json:"value"`
	Bad    *rulesPerson `json:"bad,omitempty"` // a value a condition rejects
	Go     string       `json:"go"`            // Go's record, base64
	// Message is the Protobuf message's full name, in the manifest's descriptors.
	Message string `json:"message,omitempty"`

	rule          rules.Rule
	deterministic bool // AES256_SIV: both sides' records are the same bytes
	rotating      bool // encrypt.dek.expiry.days: ciphertexts carry the DEK version
	// rotated: Go writes once, then again two days later (on the clock Go and the server
	// share), past the DEK's expiry, under a second DEK version, which the clients must
	// fetch to read Go's record, and write with.
	rotated bool
}

type rulesManifest struct {
	Secret      string          `json:"secret"`
	Descriptors string          `json:"descriptors"` // FileDescriptorSet of rulesPersonProto
	Cases       []rulesCase     `json:"cases"`
	Migrations  []migrationCase `json:"migrations"` // in rules_migration_interop_test.go
}

var rulesInteropPerson = rulesPerson{ID: 7, Name: "Ada Lovelace", SSN: "123-45-6789", City: "London"}

// encryptRule is the ENCRYPT rule on the PII fields with a KEK of the local KMS.
func encryptRule(kek string, extra map[string]string) rules.Rule {
	params := map[string]string{"encrypt.kek.name": kek, "encrypt.kms.type": "local-kms", "encrypt.kms.key.id": "mykey"}
	for k, v := range extra {
		params[k] = v
	}
	return rules.Rule{Name: "encryptPII", Kind: rules.Transform, Mode: rules.WriteRead, Type: "ENCRYPT", Tags: []string{"PII"}, Params: params}
}

// rulesInteropCases are the cases every client runs; client names the topics, so that the
// clients' DEKs are their own.
func rulesInteropCases(client string) []rulesCase {
	positive := rules.Rule{Name: "positiveId", Kind: rules.Condition, Mode: rules.Write, Type: "CEL", Expr: "message.id > 0"}
	bad := rulesInteropPerson
	bad.ID = -1
	siv := map[string]string{"encrypt.dek.algorithm": "AES256_SIV"}
	expiry := map[string]string{"encrypt.dek.expiry.days": "1"}
	cases := []rulesCase{
		{Name: "avro-encrypt", Format: "avro", rule: encryptRule("kek-avro", nil)},
		{Name: "avro-encrypt-siv", Format: "avro", rule: encryptRule("kek-avro-siv", siv), deterministic: true},
		{Name: "avro-encrypt-expiry", Format: "avro", rule: encryptRule("kek-avro-expiry", expiry), rotating: true},
		{Name: "json-encrypt", Format: "json", rule: encryptRule("kek-json", nil)},
		{Name: "json-encrypt-siv", Format: "json", rule: encryptRule("kek-json-siv", siv), deterministic: true},
		{Name: "protobuf-encrypt", Format: "protobuf", rule: encryptRule("kek-protobuf", nil)},
		{Name: "protobuf-encrypt-siv", Format: "protobuf", rule: encryptRule("kek-protobuf-siv", siv), deterministic: true},
		// Last of the encryption cases: Go's clock stays ahead for the cases after it.
		{Name: "avro-encrypt-rotated", Format: "avro", rule: encryptRule("kek-avro-rotated", expiry), rotating: true, rotated: true},
		{Name: "avro-cel", Format: "avro", rule: positive, Bad: &bad},
		{Name: "json-cel", Format: "json", rule: positive, Bad: &bad},
	}
	// @confluentinc/schemaregistry 1.10.1's CelExecutor evaluates with a CEL environment that
	// knows none of the application's Protobuf types: on a Person it returns a "message not
	// found in registry" error value instead of false, which its serializer takes as a pass,
	// so a Node producer writes the record the condition rejects. Node runs no Protobuf
	// condition here.
	if client != "node" {
		cases = append(cases, rulesCase{Name: "protobuf-cel", Format: "protobuf", rule: positive, Bad: &bad})
	}
	for i := range cases {
		if cases[i].Format == "protobuf" {
			cases[i].Message = "acme.rules.Person"
		}
		cases[i].Topic = client + "-" + cases[i].Name
		cases[i].Rule = cases[i].rule.Name
		cases[i].Value = rulesInteropPerson
	}
	return cases
}

func TestRulesInteropPython(t *testing.T) {
	t.Parallel() // waits on the client script
	python := pythonClient(t)
	runRulesInterop(t, "python", python, filepath.Join("clients", "python", "rules_interop.py"))
}

func TestRulesInteropNode(t *testing.T) {
	t.Parallel() // waits on the client script
	node := nodeClient(t)
	runRulesInterop(t, "node", node, filepath.Join("clients", "node", "rules_interop.mjs"))
}

// runRulesInterop registers the cases, writes Go's records, runs the client script, and
// reads the client's records.
func runRulesInterop(t *testing.T, client, interpreter, script string) {
	var ahead atomic.Int64 // how far Go's and the server's clock are ahead of the clients'
	now := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	s := startServer(t, serverOptions{now: now})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := rulesEnv{client: serde.NewClient(newSRClient(t, s.URL)), person: compileRulesPerson(t)}
	env.engine = rulesInteropEngine(t, env.client, now)
	m := rulesManifest{Secret: rulesInteropSecret, Descriptors: filepath.Join(t.TempDir(), "descriptors.bin"), Cases: rulesInteropCases(client),
		Migrations: migrationInteropCases(client)}
	writeDescriptorSet(t, m.Descriptors, linker.Files{env.person})
	for i := range m.Cases {
		c := &m.Cases[i]
		registerWithRule(t, s, c)
		payload, err := rulesWrite(ctx, env, c)
		if err == nil && c.rotated {
			ahead.Store(int64(48 * time.Hour)) // the clients' clock stays behind: to them the new DEK is fresh
			payload, err = rulesWrite(ctx, env, c)
		}
		if err != nil {
			t.Fatalf("%s: Go serializer: %v", c.Name, err)
		}
		c.Go = base64.StdEncoding.EncodeToString(payload)
	}
	prepareMigrations(ctx, t, s, env, m.Migrations)
	theirs, migrated := runRulesScript(ctx, t, interpreter, script, s.URL, m)
	checkMigrations(ctx, t, env, client, m.Migrations, migrated)
	for i, c := range m.Cases {
		if err := checkRulesRecords(ctx, env, c, theirs[i]); err != nil {
			t.Errorf("%s: the %s record: %v", c.Name, client, err)
		}
	}
}

// rulesInteropEngine is Go's rule engine with the CEL, JSONATA and ENCRYPT executors, the local KMS
// configured with the shared secret, DEK expiry measured with now.
func rulesInteropEngine(t *testing.T, sc *serde.Client, now func() time.Time) *rules.Engine {
	t.Helper()
	celx, err := cel.NewExecutor()
	if err != nil {
		t.Fatal(err)
	}
	dc, err := deks.NewClient(sc.SR())
	if err != nil {
		t.Fatal(err)
	}
	enc := encryption.NewFieldExecutor(encryption.Config{Registry: dc, Drivers: kms.NewDrivers(localkms.New()),
		RuleConfig: map[string]string{"secret": rulesInteropSecret}, Now: now})
	engine, err := rules.NewEngine(rules.WithExecutors(celx, jsonata.NewExecutor(), enc))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Close() })
	return engine
}

// registerWithRule registers the case's schema under its topic's subject with its rule as
// the only domain rule.
func registerWithRule(t *testing.T, s *server, c *rulesCase) {
	t.Helper()
	body := map[string]any{"schema": rulesPersonAvro, "ruleSet": map[string]any{"domainRules": []rules.Rule{c.rule}}}
	switch c.Format {
	case "json":
		body["schema"], body["schemaType"] = rulesPersonJSON, "JSON"
	case "protobuf":
		body["schema"], body["schemaType"] = rulesPersonProto, "PROTOBUF"
	}
	if r := s.do("POST", "/subjects/"+c.Topic+"-value/versions", body); r.Status != 200 {
		t.Fatalf("%s: register: %d %s", c.Name, r.Status, r.Body)
	}
}

// rulesEnv is what Go's side of a run holds: the serde client, the rule engine, and the
// compiled Protobuf schema its dynamic messages are built from.
type rulesEnv struct {
	client *serde.Client
	engine *rules.Engine
	person linker.File
}

// rulesWrite serializes the case's value with Go's serializer under the latest schema, and
// checks that the condition of a case with a bad value rejects it.
func rulesWrite(ctx context.Context, env rulesEnv, c *rulesCase) ([]byte, error) {
	if c.Bad != nil {
		_, err := rulesSerialize(ctx, env, c, *c.Bad)
		if ce := (*rules.ConditionError)(nil); !errors.As(err, &ce) || ce.Rule.Name != c.Rule {
			return nil, fmt.Errorf("the bad value gave %v, want the condition error of %s", err, c.Rule)
		}
	}
	return rulesSerialize(ctx, env, c, c.Value)
}

// rulesSerialize writes v with Go's serializer of the case's format.
func rulesSerialize(ctx context.Context, env rulesEnv, c *rulesCase, v rulesPerson) ([]byte, error) {
	opts := []serde.Option{serde.UseLatest(), serde.Rules(env.engine)}
	switch c.Format {
	case "avro":
		ser, err := avro.NewSerializer[rulesPerson](env.client, rulesPersonAvro, opts...)
		if err != nil {
			return nil, err
		}
		return ser.Serialize(ctx, c.Topic, v)
	case "json":
		ser, err := jsonschema.NewSerializer[rulesPerson](env.client, rulesPersonJSON, opts...)
		if err != nil {
			return nil, err
		}
		return ser.Serialize(ctx, c.Topic, v)
	}
	ser, err := protobuf.NewDynamicSerializer(env.client, opts...)
	if err != nil {
		return nil, err
	}
	return ser.Serialize(ctx, c.Topic, personMessage(env.person, v))
}

// rulesRead deserializes a record with Go's deserializer, with the engine or (nil) none.
func rulesRead(ctx context.Context, env rulesEnv, engine *rules.Engine, c rulesCase, payload []byte) (rulesPerson, error) {
	var opts []serde.Option
	if engine != nil {
		opts = append(opts, serde.Rules(engine))
	}
	ctx = serde.WithTopic(ctx, c.Topic)
	switch c.Format {
	case "avro":
		de, err := avro.NewDeserializer[rulesPerson](env.client, rulesPersonAvro, opts...)
		if err != nil {
			return rulesPerson{}, err
		}
		v, _, err := de.Deserialize(ctx, payload, nil)
		return v, err
	case "json":
		de, err := jsonschema.NewDeserializer[rulesPerson](env.client, opts...)
		if err != nil {
			return rulesPerson{}, err
		}
		v, _, err := de.Deserialize(ctx, payload, nil)
		return v, err
	}
	de, err := protobuf.NewDynamicDeserializer(env.client, opts...)
	if err != nil {
		return rulesPerson{}, err
	}
	m, _, err := de.Deserialize(ctx, payload, nil)
	if err != nil {
		return rulesPerson{}, err
	}
	return personValue(m), nil
}

// runRulesScript writes the manifest, runs the script and returns its records, one per
// case in order, and its migration records, one per migration case in order.
func runRulesScript(ctx context.Context, t *testing.T, interpreter, script, url string, m rulesManifest) ([]interopRecord, []migrationRecords) {
	t.Helper()
	dir := t.TempDir()
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, interpreter, script, url, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(interpreter), script, err, out)
	}
	t.Logf("%s", out)
	rejected := 0
	for _, c := range m.Cases {
		if c.Bad != nil {
			rejected++
		}
	}
	want := fmt.Sprintf("rules interop: %d read, %d written, %d rejected", len(m.Cases), len(m.Cases), rejected)
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `$`).Match(out) {
		t.Fatalf("the script did not go through every case: want %q in its output", want)
	}
	var theirs []interopRecord
	raw, err := os.ReadFile(filepath.Join(dir, "client.json"))
	if err == nil {
		err = json.Unmarshal(raw, &theirs)
	}
	if err != nil {
		t.Fatalf("the script's records: %v", err)
	}
	for i, c := range m.Cases {
		if i >= len(theirs) || theirs[i].Name != c.Name {
			t.Fatalf("the script's records: %d, want one per case in order (%s at %d)", len(theirs), c.Name, i)
		}
	}
	return theirs, readMigrationRecords(t, dir, out, m.Migrations)
}

// checkRulesRecords checks a client's record against Go's: Go's deserializer reads the
// value back; an encrypted one holds no PII in the clear, and a reader without rules sees
// ciphertext; a deterministic one has Go's ciphertexts; one under a DEK expiry
// carries the DEK version before each ciphertext.
func checkRulesRecords(ctx context.Context, env rulesEnv, c rulesCase, theirs interopRecord) error {
	payload, err := base64.StdEncoding.DecodeString(theirs.Payload)
	if err != nil {
		return err
	}
	got, err := rulesRead(ctx, env, env.engine, c, payload)
	if err != nil {
		return fmt.Errorf("Go deserializer: %w", err)
	}
	if diff := cmp.Diff(c.Value, got); diff != "" {
		return fmt.Errorf("Go read (-want +got):\n%s", diff)
	}
	if c.rule.Type != "ENCRYPT" {
		return nil
	}
	ours, _ := base64.StdEncoding.DecodeString(c.Go)
	for who, p := range map[string][]byte{"Go's": ours, "the client's": payload} {
		if err := checkEncrypted(ctx, env, c, p); err != nil {
			return fmt.Errorf("%s record: %w", who, err)
		}
	}
	if c.deterministic {
		return sameCiphertexts(ctx, env, c, ours, payload)
	}
	return nil
}

// sameCiphertexts checks that two records under a deterministic rule hold the same
// ciphertexts, as a reader without rules sees them. (The fields, not the records: Protobuf
// has no single encoding of a message, and Go's writes fields in any order.)
func sameCiphertexts(ctx context.Context, env rulesEnv, c rulesCase, ours, theirs []byte) error {
	a, err := rulesRead(ctx, env, nil, c, ours)
	if err != nil {
		return err
	}
	b, err := rulesRead(ctx, env, nil, c, theirs)
	if err != nil {
		return err
	}
	if a != b {
		return fmt.Errorf("deterministic encryption: the record holds %+v, Go's %+v", b, a)
	}
	return nil
}

// checkEncrypted checks that a record holds no PII in the clear, that a reader without
// rules sees ciphertext in the PII fields and the rest as written, and, under a DEK expiry,
// that each ciphertext starts with the version prefix: a zero byte and the DEK version (1, or
// 2 once rotated).
func checkEncrypted(ctx context.Context, env rulesEnv, c rulesCase, payload []byte) error {
	for _, clear := range []string{c.Value.Name, c.Value.SSN} {
		if bytes.Contains(payload, []byte(clear)) {
			return fmt.Errorf("it holds %q in the clear", clear)
		}
	}
	raw, err := rulesRead(ctx, env, nil, c, payload)
	if err != nil {
		return fmt.Errorf("read without rules: %w", err)
	}
	if raw.ID != c.Value.ID || raw.City != c.Value.City || raw.Name == c.Value.Name || raw.SSN == c.Value.SSN {
		return fmt.Errorf("read without rules: %+v, want the PII fields encrypted and the rest as written", raw)
	}
	if !c.rotating {
		return nil
	}
	prefix := []byte{0, 0, 0, 0, 1}
	if c.rotated {
		prefix[4] = 2
	}
	for _, field := range []string{raw.Name, raw.SSN} {
		ct, err := base64.StdEncoding.DecodeString(field)
		if err != nil || len(ct) < 5 || !bytes.Equal(ct[:5], prefix) {
			return fmt.Errorf("ciphertext %q (%v): want base64 starting with the version prefix %x", field, err, prefix)
		}
	}
	return nil
}
