package encryption

import (
	"maps"
	"slices"
	"testing"

	"github.com/accord-registry/accord/serde/rules"
)

// recordField declares a field of the fake format: its type and inline tags.
type recordField struct {
	typ  rules.FieldType
	tags []string
}

// mapWalker is a fake format: a record is a map[string]any, and the walker applies the
// transform to each field whose tags meet the rule's, as the engine's walkers do.
func mapWalker(schema map[string]recordField) rules.FieldWalker {
	return func(rc *rules.Context, t rules.FieldTransform, msg any) (any, error) {
		in := msg.(map[string]any)
		out := maps.Clone(in)
		for _, name := range slices.Sorted(maps.Keys(in)) {
			f := schema[name]
			if !slices.ContainsFunc(f.tags, func(tag string) bool { return slices.Contains(rc.Rule.Tags, tag) }) {
				continue
			}
			v, err := t.TransformField(rc, rules.Field{Containing: in, FullName: "Order." + name, Name: name, Type: f.typ, Tags: f.tags}, in[name])
			if err != nil {
				return nil, err
			}
			out[name] = v
		}
		return out, nil
	}
}

var orderSchema = map[string]recordField{
	"id":     {rules.FieldLong, nil},
	"email":  {rules.FieldString, []string{"PII"}},
	"card":   {rules.FieldBytes, []string{"PII"}},
	"note":   {rules.FieldString, nil},
	"phone":  {rules.FieldString, []string{"PII"}},
	"amount": {rules.FieldInt, []string{"PRIVATE"}},
}

// TestRecordThroughWalker drives the executor as the engine does, over a record: the tagged
// string and bytes fields are encrypted, others untouched, a null stays null; reading gives
// the record back.
func TestRecordThroughWalker(t *testing.T) {
	_, reg := newFake(t)
	e := NewFieldExecutor(testConfig(reg, newClock(0)))
	record := map[string]any{"id": int64(7), "email": "alice@example.com", "card": []byte{4, 2}, "note": "hi", "phone": nil}
	w := ruleContext(rules.Write, "orders-value", localParams())
	w.Fields = mapWalker(orderSchema)
	enc, err := e.Transform(w, record)
	if err != nil {
		t.Fatal(err)
	}
	got := enc.(map[string]any)
	if got["id"] != int64(7) || got["note"] != "hi" || got["phone"] != nil {
		t.Errorf("untagged or null fields changed: %v", got)
	}
	if got["email"] == "alice@example.com" || string(got["card"].([]byte)) == "\x04\x02" {
		t.Errorf("tagged fields not encrypted: %v", got)
	}
	r := ruleContext(rules.Read, "orders-value", localParams())
	r.Fields = w.Fields
	dec, err := e.Transform(r, enc)
	if err != nil {
		t.Fatal(err)
	}
	if back := dec.(map[string]any); back["email"] != "alice@example.com" || string(back["card"].([]byte)) != "\x04\x02" {
		t.Errorf("read back %v", back)
	}
}

// TestFieldTypes: only STRING and BYTES fields can be encrypted, in Confluent's words; on read
// a value of another type passes through; nil is nil; only Write and Read modes run.
func TestFieldTypes(t *testing.T) {
	_, reg := newFake(t)
	e := NewFieldExecutor(testConfig(reg, newClock(0)))
	w, r := ruleContext(rules.Write, "s", localParams()), ruleContext(rules.Read, "s", localParams())
	_, err := fieldErr(e, w, rules.FieldInt, int32(5))
	wantErr(t, err, "type INT not supported for encryption")
	if got := field(t, e, r, rules.FieldInt, int32(5)); got != int32(5) {
		t.Errorf("read of an INT: %v", got)
	}
	if got := field(t, e, w, rules.FieldString, nil); got != nil {
		t.Errorf("write of nil: %v", got)
	}
	if got := field(t, e, r, rules.FieldBytes, nil); got != nil {
		t.Errorf("read of nil: %v", got)
	}
	_, err = fieldErr(e, r, rules.FieldString, "not base64!")
	wantErr(t, err, "not base64")
	_, err = fieldErr(e, ruleContext(rules.Upgrade, "s", localParams()), rules.FieldString, "x")
	wantErr(t, err, "unsupported rule mode UPGRADE")
	rc := ruleContext(rules.Write, "s", localParams())
	_, err = e.Transform(rc, map[string]any{})
	wantErr(t, err, "no fields to walk")
}
