package protobuf

import (
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/protobuf/internal/testpb"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/sertest"
)

// Rules in the Protobuf serializers, with sertest's fake runner. The tagged schema is
// compiled here (as a program without generated code has it) and registered as .proto text.

const customerProto = `syntax = "proto3";
package acme;

import "confluent/meta.proto";

message Customer {
  int64 id = 1;
  string email = 2 [(confluent.field_meta).tags = "PII"];
  string note = 3;
  Address address = 4;
  repeated string phones = 5 [(confluent.field_meta) = {tags: ["PII", "PHONE"]}];
  map<string, string> labels = 6 [(confluent.field_meta).tags = "PII"];
  oneof contact {
    string phone = 7 [(confluent.field_meta).tags = "PII"];
    string fax = 8 [(confluent.field_meta).tags = "PII"];
  }
  repeated Address others = 9;
  map<string, Address> places = 10;
}

message Address {
  string street = 1 [(confluent.field_meta).tags = "PII"];
  string city = 2;
}
`

var ctx = context.Background()

// customerType compiles customerProto.
func customerType(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		if path == "customer.proto" {
			return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(customerProto))}, nil
		}
		if r, ok := bundled(path); ok {
			return r, nil
		}
		return protocompile.SearchResult{}, errors.New("no " + path)
	}))}
	files, err := c.Compile(ctx, "customer.proto")
	if err != nil {
		t.Fatal(err)
	}
	return files[0].Messages().ByName("Customer")
}

// newCustomer is a Customer with every kind of field set.
func newCustomer(t *testing.T) *dynamicpb.Message {
	md := customerType(t)
	m := dynamicpb.NewMessage(md)
	set := func(m *dynamicpb.Message, name string, v protoreflect.Value) {
		m.Set(m.Descriptor().Fields().ByName(protoreflect.Name(name)), v)
	}
	str := protoreflect.ValueOfString
	addr := func(street string) *dynamicpb.Message {
		a := dynamicpb.NewMessage(md.ParentFile().Messages().ByName("Address"))
		set(a, "street", str(street))
		set(a, "city", str("lyon"))
		return a
	}
	set(m, "id", protoreflect.ValueOfInt64(1))
	set(m, "email", str("al@example.com"))
	set(m, "note", str("keep me"))
	set(m, "address", protoreflect.ValueOfMessage(addr("1 main st")))
	phones := m.Mutable(md.Fields().ByName("phones")).List()
	phones.Append(str("555-1"))
	labels := m.Mutable(md.Fields().ByName("labels")).Map()
	labels.Set(protoreflect.ValueOfString("k").MapKey(), str("v"))
	set(m, "phone", str("555-2"))
	others := m.Mutable(md.Fields().ByName("others")).List()
	others.Append(protoreflect.ValueOfMessage(addr("2 side st")))
	places := m.Mutable(md.Fields().ByName("places")).Map()
	places.Set(protoreflect.ValueOfString("home").MapKey(), protoreflect.ValueOfMessage(addr("3 home st")))
	return m
}

var upper = rules.Rule{Name: "upper", Kind: rules.Transform, Mode: rules.WriteRead, Type: "UPPER", Tags: []string{"PII"}}

// caseRunner upper-cases the string fields a rule selects on write and prefixes them with
// "read:" on read.
func caseRunner() *sertest.FakeRunner {
	return &sertest.FakeRunner{Field: func(rc *rules.Context, f rules.Field, v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			return v, nil
		}
		if rc.Mode == rules.Write {
			return strings.ToUpper(s), nil
		}
		return "read:" + s, nil
	}}
}

// text is a field of a dynamic message, by path: "address.street", "phones.0",
// "labels.k", "places.home.street".
func text(m protoreflect.Message, path string) string {
	name, rest, _ := strings.Cut(path, ".")
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	v := m.Get(fd)
	var key string
	switch {
	case fd.IsList():
		key, rest, _ = strings.Cut(rest, ".")
		i, _ := strconv.Atoi(key)
		v = v.List().Get(i)
	case fd.IsMap():
		key, rest, _ = strings.Cut(rest, ".")
		v = v.Map().Get(protoreflect.ValueOfString(key).MapKey())
	}
	if rest != "" {
		return text(v.Message(), rest)
	}
	return v.String()
}

func TestRulesTransformTaggedFields(t *testing.T) {
	r := sertest.New(t)
	r.Register(t, "customers-value", sertest.Schema{Schema: customerProto, SchemaType: "PROTOBUF",
		RuleSet: &rules.RuleSet{DomainRules: []rules.Rule{upper}}})
	runner := caseRunner()
	c := r.Client()
	ser, err := NewDynamicSerializer(c, serde.UseLatest(), serde.Rules(runner))
	if err != nil {
		t.Fatal(err)
	}
	in := newCustomer(t)
	before := proto.Clone(in)
	payload, err := ser.Serialize(ctx, "customers", in)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(in, before) {
		t.Fatal("the serializer changed the caller's message")
	}
	plain, err := NewDynamicDeserializer(c)
	if err != nil {
		t.Fatal(err)
	}
	written, _, err := plain.Deserialize(ctx, payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"email": "AL@EXAMPLE.COM", "note": "keep me", "address.street": "1 MAIN ST",
		"address.city": "lyon", "phones.0": "555-1", "labels.k": "V", "phone": "555-2", "others.0.street": "2 SIDE ST",
		"places.home.street": "3 HOME ST", "places.home.city": "lyon"} {
		if got := text(written, path); got != want {
			t.Errorf("written %s = %q, want %q", path, got, want)
		}
	}
	reader, err := NewDynamicDeserializer(c, serde.Rules(runner))
	if err != nil {
		t.Fatal(err)
	}
	read, _, err := reader.Deserialize(serde.WithTopic(ctx, "customers"), payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if text(read, "email") != "read:AL@EXAMPLE.COM" || text(read, "note") != "keep me" || text(read, "others.0.street") != "read:2 SIDE ST" {
		t.Fatalf("read %v", read)
	}
	calls := runner.Calls()
	if calls[0].Mode != rules.Write || calls[0].Subject != "customers-value" || calls[1].Mode != rules.Read || calls[1].Source == nil {
		t.Fatalf("calls %+v", calls)
	}
}

// TestRulesFieldNames walks a message directly: Protobuf full names, types, and the tags of
// the field_meta option, with the fax of the oneof unset and so not visited.
func TestRulesFieldNames(t *testing.T) {
	var seen []string
	tf := fieldFunc(func(_ *rules.Context, f rules.Field, v any) (any, error) {
		seen = append(seen, f.FullName+":"+string(f.Type)+":"+strings.Join(f.Tags, ","))
		return v, nil
	})
	everything := func(_ *rules.Context, _ string, inline []string) ([]string, bool) { return inline, true }
	walker := fieldWalker(everything, &serde.Memo[protoreflect.FieldDescriptor, []string]{})
	rc := &rules.Context{Context: ctx, Mode: rules.Write, Rule: upper}
	if _, err := walker(rc, tf, newCustomer(t)); err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	want := []string{"acme.Address.city:STRING:", "acme.Address.city:STRING:", "acme.Address.city:STRING:",
		"acme.Address.street:STRING:PII", "acme.Address.street:STRING:PII", "acme.Address.street:STRING:PII",
		"acme.Customer.email:STRING:PII", "acme.Customer.id:LONG:", "acme.Customer.labels:STRING:PII",
		"acme.Customer.note:STRING:", "acme.Customer.phone:STRING:PII", "acme.Customer.phones:STRING:PII,PHONE"}
	if !slices.Equal(seen, want) {
		t.Fatalf("fields\n%q\nwant\n%q", seen, want)
	}
}

type fieldFunc func(rc *rules.Context, f rules.Field, v any) (any, error)

func (fn fieldFunc) TransformField(rc *rules.Context, f rules.Field, v any) (any, error) {
	return fn(rc, f, v)
}

// TestRulesGeneratedTypes: a rule without tags applies to every field of a generated
// message; encoding rules run on its bytes; a failed condition stops Serialize.
func TestRulesGeneratedTypes(t *testing.T) {
	r := sertest.New(t)
	c := r.Client()
	in := &testpb.Order{Id: 7, Currency: "eur", Note: proto.String("fragile"), Tags: []string{"a"},
		Shipping: &testpb.Address{Street: "1 main st", City: "lyon"}}
	if _, err := mustSerializer[*testpb.Order](t, c).Serialize(ctx, "orders", in); err != nil {
		t.Fatal(err)
	}
	latest, err := c.Latest(ctx, "orders-value")
	if err != nil {
		t.Fatal(err)
	}
	all := rules.Rule{Name: "all", Kind: rules.Transform, Mode: rules.WriteRead, Type: "UPPER"}
	xor := rules.Rule{Name: "xor", Kind: rules.Transform, Mode: rules.WriteRead, Type: "XOR"}
	r.Register(t, "orders-value", sertest.Schema{Schema: latest.Schema.Schema, SchemaType: "PROTOBUF", References: latest.Schema.References,
		RuleSet: &rules.RuleSet{DomainRules: []rules.Rule{all}, EncodingRules: []rules.Rule{xor}}})
	c = r.Client() // nothing cached: the latest version is the one with rules
	runner := caseRunner()
	runner.Encoding = func(_ *rules.Context, b []byte) []byte {
		out := slices.Clone(b)
		for i := range out {
			out[i] ^= 0x5a
		}
		return out
	}
	payload, err := mustSerializer[*testpb.Order](t, c, serde.UseLatest(), serde.Rules(runner)).Serialize(ctx, "orders", in)
	if err != nil {
		t.Fatal(err)
	}
	if in.Currency != "eur" {
		t.Fatal("the serializer changed the caller's message")
	}
	d, err := NewDeserializer[*testpb.Order](c, serde.Rules(runner))
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := d.Deserialize(serde.WithTopic(ctx, "orders"), payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Currency != "read:EUR" || got.GetNote() != "read:FRAGILE" || got.Tags[0] != "read:A" || got.Shipping.Street != "read:1 MAIN ST" || got.Id != 7 {
		t.Fatalf("read %v", got)
	}

	failed := errors.New("rule failed")
	_, err = mustSerializer[*testpb.Order](t, c, serde.UseLatest(), serde.Rules(&sertest.FakeRunner{Err: failed})).Serialize(ctx, "orders", in)
	if !errors.Is(err, failed) {
		t.Fatalf("Serialize: %v, want the runner's error", err)
	}
}

func mustSerializer[T proto.Message](t *testing.T, c *serde.Client, opts ...serde.Option) *Serializer[T] {
	t.Helper()
	s, err := NewSerializer[T](c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
