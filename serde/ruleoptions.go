package serde

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde/rules"
)

// Rules makes a serializer or deserializer run the data-contract rules of the schemas it
// writes and reads with r, as Confluent's serializers do (see [Writer.RunDomain] and
// [Reader.RunDomain] for when). Without it, rule sets are fetched but nothing runs.
func Rules(r rules.Runner) Option { return func(c *Config) { c.Rules = r } }

// SelectFields sets how field-level rules (CEL_FIELD, ENCRYPT) choose the fields they apply
// to (default [DefaultFieldSelector]).
func SelectFields(s FieldSelector) Option { return func(c *Config) { c.SelectField = s } }

// FieldSelector decides whether the rule being run (rc.Rule) applies to the primitive field
// named fullName whose schema tags it inline with inline, and returns the field's tags: the
// inline ones and any the target schema's metadata gives that name.
type FieldSelector func(rc *rules.Context, fullName string, inline []string) (tags []string, selected bool)

// DefaultFieldSelector selects as Confluent's clients do: the field's tags are its inline tags
// and those the target schema's metadata gives paths matching fullName; a rule without tags
// applies to every primitive field, a rule with tags to the fields that carry one of them.
func DefaultFieldSelector(rc *rules.Context, fullName string, inline []string) ([]string, bool) {
	tags := rules.FieldTags(rc, fullName, inline)
	return tags, rules.Selected(rc, tags)
}

// FieldSelector returns the configured selector, or [DefaultFieldSelector].
func (c Config) FieldSelector() FieldSelector {
	if c.SelectField != nil {
		return c.SelectField
	}
	return DefaultFieldSelector
}

// Select is the first step every format's field walker takes at a primitive field f (with
// its inline tags in f.Tags): whether the rule in rc applies to it, and the field with all
// its tags. Walkers call it before they convert the field's value for the transform, so that
// the fields a rule skips cost nothing more.
func (s FieldSelector) Select(rc *rules.Context, f rules.Field) (rules.Field, bool) {
	tags, ok := s(rc, f.FullName, f.Tags)
	f.Tags = tags
	return f, ok
}

// RunFieldTransform is the second step, for a selected field: it runs t on value and returns the
// field's new value and true when the walker must store it; false when the value is null
// (nulls pass through). A condition's verdict is the engine's business: the transform it gives
// a walker for a CONDITION rule returns the value unchanged or a *rules.ConditionError.
func RunFieldTransform(rc *rules.Context, t rules.FieldTransform, f rules.Field, value any) (any, bool, error) {
	if value == nil {
		return nil, false, nil
	}
	out, err := t.TransformField(rc, f, value)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// FieldWalkers builds the field walker of a schema; each format package supplies one
// ([Writer.SetFieldWalkers], [Reader.SetFieldWalkers]), and the walker of a schema is built
// once and kept.
type FieldWalkers func(ctx context.Context, schema sr.Schema) (rules.FieldWalker, error)

// topicKey is the context key of [WithTopic].
type topicKey struct{}

// WithTopic returns a context that tells a deserializer which topic the record it decodes
// came from. Deserializers that run rules need it: the subject a rule runs under (which
// field encryption keys belong to) is named after the topic, as on write.
func WithTopic(ctx context.Context, topic string) context.Context {
	return context.WithValue(ctx, topicKey{}, topic)
}

// topicOf returns the topic [WithTopic] put in ctx.
func topicOf(ctx context.Context) (string, error) {
	if topic, ok := ctx.Value(topicKey{}).(string); ok {
		return topic, nil
	}
	return "", errNoTopic
}

var errNoTopic = fmt.Errorf("serde: the record's schema has rules, and rules need the record's topic: deserialize with serde.WithTopic(ctx, topic)")
