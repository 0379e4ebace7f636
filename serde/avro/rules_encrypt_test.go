package avro_test

import (
	"bytes"
	"testing"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/encryption"
	"github.com/accord-registry/accord/serde/sertest"
)

// TestRulesEncryptFields: field encryption end to end in Go, against a real registry with
// its DEK Registry: the tagged fields leave the serializer encrypted (the plaintext is not in
// the payload), a deserializer with the secret reads them back, one without rules reads the
// ciphertext, and the KEK and DEK the producer created are in the registry.
func TestRulesEncryptFields(t *testing.T) {
	r := sertest.New(t)
	register(t, r, &rules.RuleSet{DomainRules: []rules.Rule{{
		Name: "encryptPII", Kind: rules.Transform, Mode: rules.WriteRead, Type: "ENCRYPT", Tags: []string{"PII"},
		Params: map[string]string{"encrypt.kek.name": "kek1", "encrypt.kms.type": "local-kms", "encrypt.kms.key.id": "mykey"},
	}}})
	engine := encryptingEngine(t, r, "the-shared-secret")
	ser := mustSerializer[customer](t, r.Client(), customerSchema, serde.UseLatest(), serde.Rules(engine))
	payload, err := ser.Serialize(ctx, "customers", newCustomer())
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"al@example.com", "1 main st", "555-1"} {
		if bytes.Contains(payload, []byte(secret)) {
			t.Errorf("the payload holds %q in the clear", secret)
		}
	}
	if !bytes.Contains(payload, []byte("keep me")) {
		t.Errorf("the untagged field was changed: %q", payload)
	}

	got, _, err := mustDeserializer[customer](t, r.Client(), customerSchema, serde.Rules(encryptingEngine(t, r, "the-shared-secret"))).
		Deserialize(serde.WithTopic(ctx, "customers"), payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := newCustomer(); got.Email != want.Email || got.Address.Street != want.Address.Street || got.Phones[0] != want.Phones[0] {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	raw, _, err := mustDeserializer[customer](t, r.Client(), customerSchema).Deserialize(ctx, payload, nil)
	if err != nil || raw.Email == "al@example.com" || raw.Note != "keep me" {
		t.Errorf("read without rules: %+v, %v; want the email encrypted and the note as written", raw, err)
	}
	if _, _, err := mustDeserializer[customer](t, r.Client(), customerSchema, serde.Rules(encryptingEngine(t, r, "a-wrong-secret"))).
		Deserialize(serde.WithTopic(ctx, "customers"), payload, nil); err == nil {
		t.Errorf("a reader with the wrong secret decrypted the fields")
	}

	dc, err := deks.NewClient(r.SR())
	if err != nil {
		t.Fatal(err)
	}
	if kek, err := dc.KEK(ctx, "kek1", false); err != nil || kek.Shared || kek.KMSType != "local-kms" {
		t.Errorf("KEK kek1 = %+v, %v: want the producer's, not shared", kek, err)
	}
	if dek, err := dc.DEK(ctx, "kek1", "customers-value", 1, deks.AES256GCM, false); err != nil || dek.EncryptedKeyMaterial == "" {
		t.Errorf("DEK of customers-value = %+v, %v", dek, err)
	}
}

// encryptingEngine is a rule engine with the ENCRYPT executor, local KMS with secret.
func encryptingEngine(t *testing.T, r *sertest.Registry, secret string) *rules.Engine {
	t.Helper()
	dc, err := deks.NewClient(r.SR())
	if err != nil {
		t.Fatal(err)
	}
	cfg := encryption.Config{Registry: dc, Drivers: kms.NewDrivers(localkms.New()), RuleConfig: map[string]string{"secret": secret}}
	engine, err := rules.NewEngine(rules.WithExecutors(encryption.NewFieldExecutor(cfg)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Close() })
	return engine
}
