package rules

import (
	"fmt"
	"slices"
)

// The helpers below are shared by every format's FieldWalker, so that Avro, Protobuf and
// JSON Schema choose the same fields for a rule. A walker, for each primitive field:
//
//	tags := rules.FieldTags(rc, fullName, inlineTags)
//	if rules.Selected(rc, tags) {
//		v, err = t.TransformField(rc, rules.Field{…, Tags: tags}, v)
//	}
//
// and stores v back. It need not know the rule's kind: for a CONDITION the engine hands it
// a transform that returns the value unchanged, or a *ConditionError.

// FieldTags returns the tags of the field fullName: its inline tags (confluent:tags in the
// schema) and the tags of every key of the target schema's metadata.tags that matches
// fullName as a wildcard path (see MatchPath), as Confluent's RuleContext.getTags. inline
// is returned as is when the metadata adds nothing; otherwise the union comes sorted.
func FieldTags(rc *Context, fullName string, inline []string) []string {
	if rc.Target == nil || rc.Target.Metadata == nil || len(rc.Target.Metadata.Tags) == 0 {
		return inline
	}
	out := slices.Clip(inline)
	added := false
	for pattern, tags := range rc.Target.Metadata.Tags {
		if !MatchPath(fullName, pattern) {
			continue
		}
		for _, t := range tags {
			if !slices.Contains(out, t) {
				out, added = append(out, t), true
			}
		}
	}
	if added {
		slices.Sort(out)
		out = slices.Compact(out)
	}
	return out
}

// Selected says whether the rule in rc applies to a field with these tags: a rule without
// tags applies to every primitive field, one with tags to the fields sharing one of them.
func Selected(rc *Context, tags []string) bool {
	if len(rc.Rule.Tags) == 0 {
		return true
	}
	for _, t := range rc.Rule.Tags {
		if slices.Contains(tags, t) {
			return true
		}
	}
	return false
}

// SelectField is Selected(rc, FieldTags(rc, fullName, inline)), for walkers that ask before
// building the Field.
func SelectField(rc *Context, fullName string, inline []string) bool {
	return Selected(rc, FieldTags(rc, fullName, inline))
}

// IsPrimitive says whether a field of type t is one field rules apply to (Confluent's
// FieldContext.isPrimitive): strings, bytes, numbers, booleans and nulls.
func IsPrimitive(t FieldType) bool {
	switch t {
	case FieldString, FieldBytes, FieldInt, FieldLong, FieldFloat, FieldDouble, FieldBoolean, FieldNull:
		return true
	}
	return false
}

// Suppressed says whether the field transform in rc is skipped because another rule of
// the list does the same work: a TRANSFORM of the same mode, type and tags (in the same
// order) that runs before it on Write and Upgrade, or after it on Read and Downgrade. This
// is what keeps a default rule set and a subject's own from encrypting a field twice
// (Confluent's FieldRuleExecutor.transform). Rules without tags are never suppressed.
func Suppressed(rc *Context) bool {
	from, to := 0, rc.Index
	if rc.Mode == Read || rc.Mode == Downgrade {
		from, to = rc.Index+1, len(rc.Rules)
	}
	for i := from; i < to; i++ {
		if sameTaggedTransform(rc.Rule, rc.Rules[i]) {
			return true
		}
	}
	return false
}

func sameTaggedTransform(a, b Rule) bool {
	return len(a.Tags) > 0 && ruleKind(a) == Transform && ruleKind(b) == Transform &&
		ruleMode(a) == ruleMode(b) && a.Type == b.Type && slices.Equal(a.Tags, b.Tags)
}

// WalkFields runs a field executor's rule on msg: unless Suppressed, it makes the rule's
// transform and has the format's walker apply it to the selected fields. For a CONDITION
// the transform given to the walker keeps each value and fails with a *ConditionError on
// the first false verdict. The engine calls it; a FieldExecutor's own Transform may too.
func WalkFields(rc *Context, fx FieldExecutor, msg any) (any, error) {
	if Suppressed(rc) {
		return msg, nil
	}
	if rc.Fields == nil {
		return nil, fmt.Errorf("rules: rule %s of type %s works on fields, and this serde walks none", rc.Rule.Name, rc.Rule.Type)
	}
	t, err := fx.NewFieldTransform(rc)
	if err != nil {
		return nil, err
	}
	if ruleKind(rc.Rule) == Condition {
		t = fieldCondition{t}
	}
	return rc.Fields(rc, t, msg)
}

// fieldCondition turns a field condition's verdict into the field's own value (the walker
// stores it back unchanged) or a *ConditionError. A verdict that is not a bool passes, as
// in Confluent's Go client.
type fieldCondition struct{ inner FieldTransform }

func (c fieldCondition) TransformField(rc *Context, f Field, value any) (any, error) {
	v, err := c.inner.TransformField(rc, f, value)
	if err != nil {
		return nil, err
	}
	if ok, isBool := v.(bool); isBool && !ok {
		return nil, &ConditionError{Rule: rc.Rule}
	}
	return value, nil
}
