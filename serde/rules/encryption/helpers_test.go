package encryption

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/serde/rules"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testSecret = "correct horse battery staple"

// fakeClock is a clock tests move by hand.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) advance(d time.Duration) { c.now = c.now.Add(d) }
func newClock(ms int64) *fakeClock           { return &fakeClock{time.UnixMilli(ms)} }
func days(n int) time.Duration               { return time.Duration(n) * 24 * time.Hour }

func testConfig(reg *deks.Client, clock *fakeClock) Config {
	return Config{
		Registry:   reg,
		Drivers:    kms.NewDrivers(localkms.New()),
		RuleConfig: map[string]string{localkms.SecretConfig: testSecret},
		Now:        clock.Now,
	}
}

// localParams are the parameters of an ENCRYPT rule with a local KEK, plus extra.
func localParams(extra ...string) map[string]string {
	p := map[string]string{ParamKEKName: "kek1", ParamKMSType: "local-kms", ParamKMSKeyID: "mykey"}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i]] = extra[i+1]
	}
	return p
}

func ruleContext(mode rules.Mode, subject string, params map[string]string) *rules.Context {
	return &rules.Context{
		Context: context.Background(),
		Subject: subject,
		Topic:   "orders",
		Mode:    mode,
		Rule: rules.Rule{Name: "encrypt-pii", Kind: rules.Transform, Mode: rules.WriteRead,
			Type: FieldRuleType, Tags: []string{"PII"}, Params: params},
	}
}

// field runs an ENCRYPT rule on one field value, as the engine does: a transform per
// message, then the value.
func field(t testing.TB, e *FieldExecutor, rc *rules.Context, typ rules.FieldType, value any) any {
	t.Helper()
	out, err := fieldErr(e, rc, typ, value)
	if err != nil {
		t.Fatalf("%s %s field: %v", rc.Mode, typ, err)
	}
	return out
}

func fieldErr(e *FieldExecutor, rc *rules.Context, typ rules.FieldType, value any) (any, error) {
	tr, err := e.NewFieldTransform(rc)
	if err != nil {
		return nil, err
	}
	return tr.TransformField(rc, rules.Field{Name: "email", FullName: "Order.email", Type: typ, Tags: []string{"PII"}}, value)
}

func deksAlgorithm(s string) deks.Algorithm { return deks.Algorithm(s) }

func encodeString(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
