package encryption

import (
	"testing"
	"time"

	"github.com/accord-registry/accord/serde/rules"
	ck "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	ckenc "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption"
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/localkms" // registers Confluent's local KMS driver, for their executor only
	ckserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
)

type ckClock struct{ c *fakeClock }

func (c ckClock) NowUnixMilli() int64 { return c.c.now.UnixMilli() }

// confluentGo is confluent-kafka-go's ENCRYPT transform over the same registry as ours.
type confluentGo struct {
	t  *testing.T
	ex *ckenc.Executor
}

func newConfluentGo(t *testing.T, url string, clock *fakeClock) confluentGo {
	return confluentGo{t, newConfluentGoExecutor(t, url, clock)}
}

func newConfluentGoExecutor(t testing.TB, url string, clock *fakeClock) *ckenc.Executor {
	t.Helper()
	ex := ckenc.NewExecutorWithClock(ckClock{clock})
	if err := ex.Configure(ck.NewConfig(url), map[string]string{"secret": testSecret}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ex.Close() })
	return ex
}

func (c confluentGo) run(mode rules.Mode, subject string, params map[string]string, typ int, value any) any {
	c.t.Helper()
	ctx := ckserde.RuleContext{Target: &ck.SchemaInfo{}, Subject: subject, RuleMode: ck.Write, Rule: &ck.Rule{Name: "encrypt-pii", Type: "ENCRYPT", Params: params}}
	if mode == rules.Read {
		ctx.RuleMode = ck.Read
	}
	tr, err := c.ex.NewTransform(ctx)
	if err != nil {
		c.t.Fatalf("confluent-kafka-go: %v", err)
	}
	out, err := tr.Transform(ctx, ckserde.FieldType(typ), value)
	if err != nil {
		c.t.Fatalf("confluent-kafka-go %s: %v", mode, err)
	}
	return out
}

// TestConfluentGoInterop encrypts with confluent-kafka-go's executor and decrypts with ours,
// and the reverse, both on one registry, for AES-GCM and AES-SIV, with and without rotation,
// for string and bytes fields; whoever comes first creates the KEK and the DEK, the other
// reuses them. AES-SIV ciphertexts are the same bytes on both sides.
func TestConfluentGoInterop(t *testing.T) {
	for _, tc := range []struct {
		name        string
		alg         string
		expiry      string
		theirsFirst bool
	}{
		{"gcm", "AES256_GCM", "", false},
		{"gcm-they-create", "AES256_GCM", "", true},
		{"siv", "AES256_SIV", "", false},
		{"gcm-rotated", "AES256_GCM", "7", true},
		{"siv-rotated", "AES256_SIV", "7", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, reg := newFake(t)
			clock := newClock(1_700_000_000_000)
			ours := NewFieldExecutor(testConfig(reg, clock))
			theirs := newConfluentGo(t, f.url, clock)
			params := localParams(ParamDEKAlgorithm, tc.alg)
			if tc.expiry != "" {
				params[ParamDEKExpiryDays] = tc.expiry
			}
			w, r := ruleContext(rules.Write, "orders-value", params), ruleContext(rules.Read, "orders-value", params)
			if tc.theirsFirst {
				theirs.run(rules.Write, "orders-value", params, ckserde.TypeString, "warm up")
			}
			for round := range 2 { // the second round runs after the DEK expired, when DEKs rotate
				ourCT := field(t, ours, w, rules.FieldString, "alice@example.com").(string)
				if got := theirs.run(rules.Read, "orders-value", params, ckserde.TypeString, ourCT); got != "alice@example.com" {
					t.Errorf("round %d: confluent-kafka-go decrypts ours to %v", round, got)
				}
				theirCT := theirs.run(rules.Write, "orders-value", params, ckserde.TypeString, "alice@example.com").(string)
				if got := field(t, ours, r, rules.FieldString, theirCT); got != "alice@example.com" {
					t.Errorf("round %d: we decrypt confluent-kafka-go's to %v", round, got)
				}
				if tc.alg == "AES256_SIV" && ourCT != theirCT {
					t.Errorf("round %d: deterministic ciphertexts differ: ours %s, theirs %s", round, ourCT, theirCT)
				}
				theirBytes := theirs.run(rules.Write, "orders-value", params, ckserde.TypeBytes, []byte{1, 2, 3}).([]byte)
				if got := field(t, ours, r, rules.FieldBytes, theirBytes); string(got.([]byte)) != "\x01\x02\x03" {
					t.Errorf("round %d: bytes field decrypts to %x", round, got)
				}
				clock.advance(8 * 24 * time.Hour)
			}
			if tc.expiry != "" {
				if n := len(f.stored("kek1", "orders-value", deksAlgorithm(tc.alg))); n < 2 {
					t.Errorf("%d DEK versions after the expiry, want a rotation", n)
				}
			}
		})
	}
}
