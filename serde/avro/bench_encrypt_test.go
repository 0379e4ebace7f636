package avro_test

import (
	"context"
	"strings"
	"testing"

	ckenc "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption"
	_ "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/localkms" // registers Confluent's local KMS driver, for their executor only
	ckserde "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/cel"
	"github.com/accord-registry/accord/serde/rules/encryption"
	"github.com/accord-registry/accord/serde/sertest"
)

// What a data contract costs per record, in the same run: a serialize and a deserialize of
// the benchmark record with no rule, with its email encrypted by an ENCRYPT rule
// (AES256_GCM, the local KMS, the KEK and DEK cached after the first record), and the same
// through confluent-kafka-go's avrov2 serde and its field encryption executor on the same
// registry; and a serialize with a CEL condition against one without.
//
//	go test -run '^$' -bench '^Benchmark(EncryptedRoundTrip|CELCondition)$' -benchmem ./serde/avro

const benchSecret = "a benchmark secret"

// benchEncryptRegistry registers the benchmark schema twice: on "plain" with no rule, and on
// "orders" with its email tagged PII and the ENCRYPT rule.
func benchEncryptRegistry(b *testing.B) *sertest.Registry {
	r := sertest.New(b)
	r.Register(b, "plain-value", sertest.Schema{Schema: benchSchema})
	tagged := strings.Replace(benchSchema, `{"name":"email","type":"string"}`, `{"name":"email","type":"string","confluent:tags":["PII"]}`, 1)
	r.Register(b, "orders-value", sertest.Schema{Schema: tagged, RuleSet: &rules.RuleSet{DomainRules: []rules.Rule{{
		Name: "encryptPII", Kind: rules.Transform, Mode: rules.WriteRead, Type: "ENCRYPT", Tags: []string{"PII"},
		Params: map[string]string{"encrypt.kek.name": "bench-kek", "encrypt.kms.type": "local-kms", "encrypt.kms.key.id": "bench-key"},
	}}}})
	return r
}

func BenchmarkEncryptedRoundTrip(b *testing.B) {
	r := benchEncryptRegistry(b)
	engine := benchEncryptEngine(b, r)
	b.Run("accord/none", func(b *testing.B) { benchAccordRoundTrip(b, r, "plain", nil) })
	b.Run("accord/encrypt", func(b *testing.B) { benchAccordRoundTrip(b, r, "orders", engine) })
	b.Run("confluent/none", func(b *testing.B) { benchConfluentRoundTrip(b, r, "plain", false) })
	b.Run("confluent/encrypt", func(b *testing.B) { benchConfluentRoundTrip(b, r, "orders", true) })
}

// benchEncryptEngine is Accord's engine with the ENCRYPT executor and the local KMS.
func benchEncryptEngine(b *testing.B, r *sertest.Registry) *rules.Engine {
	dc, err := deks.NewClient(r.SR())
	if err != nil {
		b.Fatal(err)
	}
	enc := encryption.NewFieldExecutor(encryption.Config{Registry: dc, Drivers: kms.NewDrivers(localkms.New()),
		RuleConfig: map[string]string{"secret": benchSecret}})
	engine, err := rules.NewEngine(rules.WithExecutors(enc))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = engine.Close() })
	return engine
}

// benchAccordRoundTrip serializes and deserializes with Accord's serde, with the engine's
// rules if engine is not nil, and checks the first record reads back.
func benchAccordRoundTrip(b *testing.B, r *sertest.Registry, topic string, engine *rules.Engine) {
	opts := []serde.Option{serde.UseLatest()}
	if engine != nil {
		opts = append(opts, serde.Rules(engine))
	}
	ser, err := avro.NewSerializer[benchOrder](r.Client(), benchSchema, opts...)
	if err != nil {
		b.Fatal(err)
	}
	de, err := avro.NewDeserializer[benchOrder](r.Client(), benchSchema, opts[1:]...)
	if err != nil {
		b.Fatal(err)
	}
	ctx := serde.WithTopic(context.Background(), topic)
	v := benchValue()
	var out benchOrder
	roundTrip := func() error {
		payload, err := ser.Serialize(ctx, topic, v)
		if err != nil {
			return err
		}
		_, err = de.DeserializeInto(ctx, payload, nil, &out)
		return err
	}
	if err := roundTrip(); err != nil || out.Email != v.Email {
		b.Fatalf("round trip: %v, email %q", err, out.Email)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := roundTrip(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchConfluentRoundTrip is the same with confluent-kafka-go's avrov2 serde, with its
// field encryption executor in a rule registry of its own if encrypt.
func benchConfluentRoundTrip(b *testing.B, r *sertest.Registry, topic string, encrypt bool) {
	client := confluentClient(b, r)
	sconf := avrov2.NewSerializerConfig()
	sconf.AutoRegisterSchemas, sconf.UseLatestVersion = false, true
	ser, err := avrov2.NewSerializer(client, ckserde.ValueSerde, sconf)
	if err != nil {
		b.Fatal(err)
	}
	de, err := avrov2.NewDeserializer(client, ckserde.ValueSerde, avrov2.NewDeserializerConfig())
	if err != nil {
		b.Fatal(err)
	}
	if encrypt {
		reg := ckserde.NewRuleRegistry()
		reg.RegisterExecutor(ckenc.NewFieldExecutor())
		conf := map[string]string{"secret": benchSecret}
		if err := ser.SetRuleRegistry(&reg, conf); err != nil {
			b.Fatal(err)
		}
		if err := de.SetRuleRegistry(&reg, conf); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { ser.Close(); de.Close() })
	}
	v := benchValue()
	var out benchOrder
	roundTrip := func() error {
		w := v // their serializer encrypts the value in place
		payload, err := ser.Serialize(topic, &w)
		if err != nil {
			return err
		}
		return de.DeserializeInto(topic, payload, &out)
	}
	if err := roundTrip(); err != nil || out.Email != v.Email {
		b.Fatalf("round trip: %v, email %q", err, out.Email)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := roundTrip(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCELCondition: a serialize with a CEL condition on the record against the same
// without, so that the difference is the condition's cost per record.
func BenchmarkCELCondition(b *testing.B) {
	r := sertest.New(b)
	r.Register(b, "plain-value", sertest.Schema{Schema: benchSchema})
	r.Register(b, "orders-value", sertest.Schema{Schema: benchSchema, RuleSet: &rules.RuleSet{DomainRules: []rules.Rule{{
		Name: "positiveQuantity", Kind: rules.Condition, Mode: rules.Write, Type: "CEL", Expr: "message.quantity > 0",
	}}}})
	celx, err := cel.NewExecutor()
	if err != nil {
		b.Fatal(err)
	}
	engine, err := rules.NewEngine(rules.WithExecutors(celx))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = engine.Close() })
	for _, bc := range []struct{ name, topic string }{{"none", "plain"}, {"cel", "orders"}} {
		b.Run(bc.name, func(b *testing.B) {
			ser, err := avro.NewSerializer[benchOrder](r.Client(), benchSchema, serde.UseLatest(), serde.Rules(engine))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			v := benchValue()
			if _, err := ser.Serialize(ctx, bc.topic, v); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ser.Serialize(ctx, bc.topic, v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
