package encryption

import (
	"bytes"
	"testing"

	"github.com/accord-registry/accord/serde/rules"
	ck "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	ckserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
)

// TestPayload: ENCRYPT_PAYLOAD encrypts the whole encoded message, as bytes, and confluent-
// kafka-go's EncryptionExecutor reads it, and the reverse; with rotation the bytes carry the
// DEK version; a message that is not bytes is refused on write.
func TestPayload(t *testing.T) {
	f, reg := newFake(t)
	clock := newClock(1_700_000_000_000)
	e := NewPayloadExecutor(testConfig(reg, clock))
	if e.Type() != "ENCRYPT_PAYLOAD" || NewFieldExecutor(Config{}).Type() != "ENCRYPT" {
		t.Errorf("types %q and %q", e.Type(), NewFieldExecutor(Config{}).Type())
	}
	payload := []byte{0x02, 0x0a, 'a', 'l', 'i', 'c', 'e'} // an Avro record, say
	for _, params := range []map[string]string{localParams(), localParams(ParamDEKExpiryDays, "3", ParamDEKAlgorithm, "AES256_SIV")} {
		w, r := ruleContext(rules.Write, "orders-value", params), ruleContext(rules.Read, "orders-value", params)
		w.Rule.Type, r.Rule.Type = PayloadRuleType, PayloadRuleType
		enc, err := e.Transform(w, payload)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(enc.([]byte), []byte("alice")) {
			t.Fatalf("payload not encrypted: %q", enc)
		}
		if params[ParamDEKExpiryDays] != "" && !bytes.HasPrefix(enc.([]byte), []byte{0, 0, 0, 0, 1}) {
			t.Errorf("rotated payload starts %x", enc.([]byte)[:5])
		}
		dec, err := e.Transform(r, enc)
		if err != nil || !bytes.Equal(dec.([]byte), payload) {
			t.Errorf("read back %x, %v", dec, err)
		}
		theirs := newConfluentGo(t, f.url, clock)
		ctx := ckserde.RuleContext{Target: &ck.SchemaInfo{}, Subject: "orders-value", RuleMode: ck.Read, Rule: &ck.Rule{Type: "ENCRYPT_PAYLOAD", Params: params}}
		got, err := theirs.ex.Transform(ctx, enc)
		if err != nil || !bytes.Equal(got.([]byte), payload) {
			t.Errorf("confluent-kafka-go reads ours as %x, %v", got, err)
		}
		ctx.RuleMode = ck.Write
		theirEnc, err := theirs.ex.Transform(ctx, payload)
		if err != nil {
			t.Fatal(err)
		}
		if dec, err := e.Transform(r, theirEnc); err != nil || !bytes.Equal(dec.([]byte), payload) {
			t.Errorf("we read confluent-kafka-go's as %x, %v", dec, err)
		}
	}
	_, err := e.Transform(ruleContext(rules.Write, "orders-value", localParams()), map[string]any{})
	wantErr(t, err, "not the encoded bytes")
}
