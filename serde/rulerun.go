package serde

import (
	"context"
	"fmt"
	"reflect"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde/rules"
)

// The points where rules run are Confluent's (AbstractKafkaSchemaSerDe and the Go client's
// Serde.ExecuteRules): on write, the domain rules on the value before it is encoded, then the
// encoding rules on the encoded bytes, then the framing; on read, the writer's encoding rules
// on the bytes once the framing is off, then decoding, then the domain rules on the value.
// The format packages call the methods below at those points, and only when
// [Target.RunsRules] or a [ReadRules] says so, so that a schema without rules costs nothing.

// ruleWalkers builds and keeps the field walker of each schema rules run on. Schemas are
// keyed by their *rules.SchemaInfo, which the client's caches hand out once per schema.
type ruleWalkers struct {
	build FieldWalkers // nil: the format has no fields to walk
	memo  Memo[*rules.SchemaInfo, rules.FieldWalker]
}

func (r *ruleWalkers) get(ctx context.Context, info *rules.SchemaInfo, schema sr.Schema) (rules.FieldWalker, error) {
	if r.build == nil {
		return nil, nil
	}
	if w, ok := r.memo.Load(info); ok {
		return w, nil
	}
	w, err := r.build(ctx, schema)
	if err != nil {
		return nil, err
	}
	r.memo.Store(info, w)
	return w, nil
}

// SetFieldWalkers gives the writer its format's field walkers; format packages call it once,
// when they build their serializer.
func (w *Writer) SetFieldWalkers(f FieldWalkers) { w.walkers.build = f }

// RunsRules reports whether records written with t run rules: a runner is configured
// ([Rules]), the schema was chosen by [UseSchemaID], [UseLatest] or [UseLatestWithMetadata],
// and its rule set has domain or encoding rules.
func (t *Target) RunsRules() bool { return t.runRules }

// RunDomain runs t's domain rules in mode WRITE on msg, the value about to be encoded, and
// returns the value the rules left.
func (w *Writer) RunDomain(ctx context.Context, topic string, t *Target, msg any) (any, error) {
	if len(t.Info.RuleSet.DomainRules) == 0 {
		return msg, nil
	}
	fields, err := w.walkers.get(ctx, t.Info, t.Schema)
	if err != nil {
		return nil, err
	}
	rc := w.context(ctx, topic, t, fields)
	defer w.contexts.put(rc)
	return w.cfg.Rules.Run(rc, rules.Domain, msg)
}

// RunEncoding runs t's encoding rules in mode WRITE on the encoded value and returns the
// bytes to frame.
func (w *Writer) RunEncoding(ctx context.Context, topic string, t *Target, body []byte) ([]byte, error) {
	if len(t.Info.RuleSet.EncodingRules) == 0 {
		return body, nil
	}
	rc := w.context(ctx, topic, t, nil)
	out, err := w.cfg.Rules.Run(rc, rules.Encoding, body)
	w.contexts.put(rc)
	if err != nil {
		return nil, err
	}
	return encoded(out)
}

func (w *Writer) context(ctx context.Context, topic string, t *Target, fields rules.FieldWalker) *rules.Context {
	return w.contexts.get(rules.Context{Context: ctx, Target: t.Info, Subject: t.Subject, Topic: topic, Key: w.cfg.Key,
		Mode: rules.Write, Fields: fields})
}

// RuleResult is the value rules left, as the serializer's or deserializer's type T: rules
// may return the value itself or a pointer to it. Anything else is an error.
func RuleResult[T any](out any) (T, error) {
	switch v := out.(type) {
	case T:
		return v, nil
	case *T:
		if v != nil {
			return *v, nil
		}
	}
	var zero T
	return zero, fmt.Errorf("serde: the rules returned a %T where a %T was expected", out, zero)
}

// encoded checks that encoding rules left bytes.
func encoded(out any) ([]byte, error) {
	b, ok := out.([]byte)
	if !ok {
		return nil, fmt.Errorf("serde: the encoding rules returned %T, not the encoded bytes", out)
	}
	return b, nil
}

// RunsRules reports whether a runner is configured ([Rules]).
func (r *Reader) RunsRules() bool { return r.cfg.Rules != nil }

// SetFieldWalkers gives the reader its format's field walkers; format packages call it once,
// when they build their deserializer.
func (r *Reader) SetFieldWalkers(f FieldWalkers) { r.walkers.build = f }

// ReadRules is what a deserializer keeps, per writer schema, about the rules its records run
// on read. A nil *ReadRules runs none.
type ReadRules struct {
	id         SchemaID
	writer     *rules.SchemaInfo
	schema     sr.Schema // the writer's, with its references
	recordName string    // for the subject name strategy
	encoding   bool      // the writer has encoding rules
	domain     bool      // the writer has domain rules, or a reader version is configured
	migrates   bool      // a reader version is configured: records may need migrating to it

	// subjects keeps the subject named after each topic the records come from, as a
	// serializer keeps its targets per topic, so that a record does not build it again.
	subjects Memo[string, string]
}

// Encoding reports whether the records run the writer's encoding rules.
func (rr *ReadRules) Encoding() bool { return rr != nil && rr.encoding }

// Domain reports whether the records may run domain rules once decoded.
func (rr *ReadRules) Domain() bool { return rr != nil && rr.domain }

// Rules returns what records written with id, whose record name (the Avro record's or
// Protobuf message's full name, the JSON Schema's title) is recordName, run on read: nil
// when no runner is configured, or when the writer has no domain or encoding rules and no
// reader version is configured whose rules would run. Deserializers call it once per writer
// schema id and keep the answer with their plan; it makes no request of its own.
func (r *Reader) Rules(ctx context.Context, id SchemaID, recordName string) (*ReadRules, error) {
	if r.cfg.Rules == nil {
		return nil, nil
	}
	s, err := r.client.byID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !hasRules(s.info.RuleSet) && !r.readsLatest() {
		return nil, nil
	}
	rs := s.info.RuleSet
	return &ReadRules{id: id, writer: s.info, schema: s.schema, recordName: recordName,
		encoding: rs != nil && len(rs.EncodingRules) > 0,
		domain:   rs != nil && len(rs.DomainRules) > 0 || r.readsLatest(),
		migrates: r.readsLatest()}, nil
}

// readsLatest reports whether the deserializer reads as the latest version (with metadata).
func (r *Reader) readsLatest() bool { return r.cfg.UseLatest || r.cfg.LatestMetadata != nil }

// RunEncoding runs the writer's encoding rules in mode READ on body, the record without its
// framing, and returns the bytes to decode.
func (r *Reader) RunEncoding(ctx context.Context, rr *ReadRules, body []byte) ([]byte, error) {
	rc, err := r.context(ctx, rr, rr.writer, nil)
	if err != nil {
		return nil, err
	}
	out, err := r.cfg.Rules.Run(rc, rules.Encoding, body)
	r.contexts.put(rc)
	if err != nil {
		return nil, err
	}
	return encoded(out)
}

// RunDomain runs the domain rules in mode READ on msg, the decoded value, and returns the
// value the rules left. The rules are the reader version's when the deserializer reads as
// the latest version (with metadata) ([UseLatest], [UseLatestWithMetadata]), else the
// writer's.
//
// A value written with another version than the reader's has been migrated to the reader's
// before these rules run ([Reader.Migration], [Reader.Migrate]).
func (r *Reader) RunDomain(ctx context.Context, rr *ReadRules, msg any) (any, error) {
	rc, err := r.context(ctx, rr, rr.writer, nil)
	if err != nil {
		return nil, err
	}
	defer r.contexts.put(rc)
	target, schema, err := r.readTarget(ctx, rc.Subject, rr)
	if err != nil {
		return nil, err
	}
	return r.runDomain(rc, target, schema, msg)
}

// RunDomainAs is [Reader.RunDomain] for a record read as m's reader version, which
// [Reader.Migration] found for it: the version is not looked up again. A nil m is RunDomain.
func (r *Reader) RunDomainAs(ctx context.Context, rr *ReadRules, m *Migration, msg any) (any, error) {
	if m == nil {
		return r.RunDomain(ctx, rr, msg)
	}
	topic, err := topicOf(ctx)
	if err != nil {
		return nil, err
	}
	rc := r.contexts.get(rules.Context{Context: ctx, Source: rr.writer, Subject: m.Subject, Topic: topic, Key: r.cfg.Key, Mode: rules.Read})
	defer r.contexts.put(rc)
	return r.runDomain(rc, m.Reader.Info, m.Reader.Schema, msg)
}

// runDomain runs target's domain rules in rc on msg.
func (r *Reader) runDomain(rc *rules.Context, target *rules.SchemaInfo, schema sr.Schema, msg any) (any, error) {
	if target.RuleSet == nil || len(target.RuleSet.DomainRules) == 0 {
		return msg, nil
	}
	rc.Target = target
	var err error
	if rc.Fields, err = r.walkers.get(rc.Context, target, schema); err != nil {
		return nil, err
	}
	return r.cfg.Rules.Run(rc, rules.Domain, msg)
}

// readTarget is the version whose domain rules run on read: the latest (with metadata,
// soft-deleted versions included, as Confluent's deserializers ask) when configured, else
// the writer's.
func (r *Reader) readTarget(ctx context.Context, subject string, rr *ReadRules) (*rules.SchemaInfo, sr.Schema, error) {
	if !r.readsLatest() {
		return rr.writer, rr.schema, nil
	}
	reg, err := r.readerVersion(ctx, subject)
	if err != nil {
		return nil, sr.Schema{}, err
	}
	return reg.Info, reg.Schema, nil
}

// readerVersion is the version of subject the deserializer reads as, when it reads as the
// latest version (with metadata).
func (r *Reader) readerVersion(ctx context.Context, subject string) (Registered, error) {
	var reg Registered
	var err error
	if r.cfg.LatestMetadata != nil {
		reg, err = r.client.LatestWithMetadataIncludingDeleted(ctx, subject, r.cfg.LatestMetadata)
	} else {
		reg, err = r.client.Latest(ctx, subject)
	}
	if err != nil {
		return Registered{}, err
	}
	if reg.Info == nil {
		return Registered{}, fmt.Errorf("serde: the registry gave no schema for the latest version of subject %q", subject)
	}
	return reg, nil
}

// context is the rules' context for a record read with rr, its subject named after the
// record's topic as on write.
func (r *Reader) context(ctx context.Context, rr *ReadRules, target *rules.SchemaInfo, fields rules.FieldWalker) (*rules.Context, error) {
	topic, subject, err := r.subject(ctx, rr)
	if err != nil {
		return nil, err
	}
	return r.contexts.get(rules.Context{Context: ctx, Source: rr.writer, Target: target, Subject: subject, Topic: topic,
		Key: r.cfg.Key, Mode: rules.Read, Fields: fields}), nil
}

// subject is the topic of a record read with rr and the subject named after it.
func (r *Reader) subject(ctx context.Context, rr *ReadRules) (topic, subject string, err error) {
	if topic, err = topicOf(ctx); err != nil {
		return "", "", err
	}
	if subject, ok := rr.subjects.Load(topic); ok {
		return topic, subject, nil
	}
	if subject, err = r.cfg.Subject(topic, r.cfg.Key, rr.recordName); err != nil {
		return "", "", err
	}
	rr.subjects.Store(topic, subject)
	return topic, subject, nil
}

// WriteDomain is [Writer.RunDomain] for a serializer of T. A struct reaches the rules as a
// pointer to a copy of v, which they may change in place.
func WriteDomain[T any](ctx context.Context, w *Writer, topic string, t *Target, v T) (T, error) {
	var msg any
	if reflect.TypeFor[T]().Kind() == reflect.Struct {
		msg = &v
	} else {
		msg = v // boxed only here: a struct boxed too would cost a copy for nothing
	}
	out, err := w.RunDomain(ctx, topic, t, msg)
	if err != nil {
		return v, err
	}
	return RuleResult[T](out)
}

// ReadDomain is [Reader.RunDomain] for a deserializer of T: *v becomes the value the rules
// left. A struct reaches the rules as v, which they may change in place.
func ReadDomain[T any](ctx context.Context, r *Reader, rr *ReadRules, v *T) error {
	return ReadDomainAs(ctx, r, rr, nil, v)
}

// ReadDomainAs is [Reader.RunDomainAs] for a deserializer of T, as [ReadDomain] is
// RunDomain's.
func ReadDomainAs[T any](ctx context.Context, r *Reader, rr *ReadRules, m *Migration, v *T) error {
	var msg any
	if reflect.TypeFor[T]().Kind() == reflect.Struct {
		msg = v
	} else {
		msg = *v
	}
	out, err := r.RunDomainAs(ctx, rr, m, msg)
	if err != nil {
		return err
	}
	*v, err = RuleResult[T](out)
	return err
}
