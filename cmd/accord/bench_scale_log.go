package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// scaleCorpus names the schemas of `accord bench --scale`: subjects × versions schemas, the
// subjects' types in turn Avro, JSON Schema and Protobuf, version v of a subject holding v
// optional fields beyond an id (so each version is BACKWARD compatible with the one before),
// and one more subject, bigSubject, with bigVersions versions under BACKWARD_TRANSITIVE, for
// the compatibility check that reads every version. The texts are already canonical, so that
// a lookup by schema with a stored text finds it.
type scaleCorpus struct {
	name               string // the subjects' prefix
	subjects, versions int
}

const (
	bigSubject  = "scale-big-value"
	bigVersions = 1000
)

var scaleTypes = [...]compat.SchemaType{compat.TypeAvro, compat.TypeJSON, compat.TypeProtobuf}

func (sc scaleCorpus) schemas() int { return sc.subjects * sc.versions }

// subject is the name of subject i.
func (sc scaleCorpus) subject(i int) string { return fmt.Sprintf("%s-%06d-value", sc.name, i) }

// id is the id of version v (1-based) of subject i.
func (sc scaleCorpus) id(i, v int) int { return i*sc.versions + v }

// schema returns the type and canonical text of version v of subject i.
func (sc scaleCorpus) schema(i, v int) (compat.SchemaType, string) {
	typ := scaleTypes[i%len(scaleTypes)]
	var b strings.Builder
	switch typ {
	case compat.TypeAvro:
		fmt.Fprintf(&b, `{"type":"record","name":"R","namespace":"scale.s%06d","fields":[{"name":"id","type":"long"}`, i)
		for f := range v {
			fmt.Fprintf(&b, `,{"name":"f%d","type":["null","string"],"default":null}`, f)
		}
		b.WriteString("]}")
	case compat.TypeJSON:
		fmt.Fprintf(&b, `{"type":"object","title":"scale-%06d","additionalProperties":false,"properties":{"id":{"type":"integer"}`, i)
		for f := range v {
			fmt.Fprintf(&b, `,"f%d":{"type":"string"}`, f)
		}
		b.WriteString("}}")
	case compat.TypeProtobuf:
		fmt.Fprintf(&b, "syntax = \"proto3\";\npackage scale.s%06d;\n\nmessage M {\n  int64 id = 1;\n", i)
		for f := range v {
			fmt.Fprintf(&b, "  string f%d = %d;\n", f, f+2)
		}
		b.WriteString("}\n")
	}
	return typ, b.String()
}

// bigSchema is version v of bigSubject: an Avro record of v optional fields.
func bigSchema(v int) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Big","namespace":"scale","fields":[{"name":"id","type":"long"}`)
	for f := range v {
		fmt.Fprintf(&b, `,{"name":"f%d","type":["null","string"],"default":null}`, f)
	}
	b.WriteString("]}")
	return b.String()
}

// checkCanonical parses the first versions of the first subjects of each type and fails when
// a text is not its own canonical form (lookups by schema would then miss).
func (sc scaleCorpus) checkCanonical() error {
	for i := range min(sc.subjects, len(scaleTypes)) {
		for v := 1; v <= min(sc.versions, 3); v++ {
			typ, text := sc.schema(i, v)
			parsed, err := compat.Parse(typ, text, nil, compat.ParseOptions{})
			if err != nil {
				return fmt.Errorf("scale corpus %s: %w", typ, err)
			}
			if parsed.Canonical() != text {
				return fmt.Errorf("scale corpus %s: %q is not canonical (%q)", typ, text, parsed.Canonical())
			}
		}
	}
	return nil
}

// scaleRecord is a SCHEMA record as Confluent Schema Registry writes it (no schemaType for Avro).
func scaleRecord(subject string, version, id int, typ compat.SchemaType, text string) store.Record {
	quoted, _ := json.Marshal(text)
	schemaType := ""
	if typ != compat.TypeAvro {
		schemaType = fmt.Sprintf(`"schemaType":%q,`, typ)
	}
	return store.Record{
		Key:   fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":%q,"version":%d,"magic":1}`, subject, version),
		Value: fmt.Appendf(nil, `{"subject":%q,"version":%d,"id":%d,%s"schema":%s,"deleted":false}`, subject, version, id, schemaType, quoted),
	}
}

// records yields the corpus's records in the order a registry fed by many services would
// have written them (subject by subject, version by version, as Confluent writes a NOOP
// every 10,000 records), the big subject's config and versions last, and returns the bytes
// of schema text.
func (sc scaleCorpus) records(emit func(store.Record) error) (int, error) {
	noop := store.Record{Key: []byte(`{"keytype":"NOOP","magic":0}`)}
	text, n := 0, 0
	put := func(r store.Record) error {
		n++
		if n%10_000 == 0 {
			if err := emit(noop); err != nil {
				return err
			}
		}
		return emit(r)
	}
	for v := 1; v <= sc.versions; v++ {
		for i := range sc.subjects {
			typ, s := sc.schema(i, v)
			text += len(s)
			if err := put(scaleRecord(sc.subject(i), v, sc.id(i, v), typ, s)); err != nil {
				return 0, err
			}
		}
	}
	config := store.Record{Key: fmt.Appendf(nil, `{"keytype":"CONFIG","subject":%q,"magic":0}`, bigSubject),
		Value: []byte(`{"compatibilityLevel":"BACKWARD_TRANSITIVE"}`)}
	if err := put(config); err != nil {
		return 0, err
	}
	for v := 1; v <= bigVersions; v++ {
		s := bigSchema(v)
		text += len(s)
		if err := put(scaleRecord(bigSubject, v, sc.schemas()+v, compat.TypeAvro, s)); err != nil {
			return 0, err
		}
	}
	return text, nil
}

// writeLog writes the corpus into a new embedded log in dir and returns the bytes of text.
func (sc scaleCorpus) writeLog(dir string) (int, error) {
	log, err := filelog.Open(dir, filelog.Config{NoSync: true})
	if err != nil {
		return 0, err
	}
	batch := make([]store.Record, 0, 1000)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := log.Append(batch)
		batch = batch[:0]
		return err
	}
	text, err := sc.records(func(r store.Record) error {
		batch = append(batch, r)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if closeErr := log.Close(); err == nil {
		err = closeErr
	}
	return text, err
}
