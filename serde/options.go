package serde

import (
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde/rules"
)

// Config is how a serializer picks the schema id it writes and where it writes it, and which
// record header a deserializer reads. The names follow Confluent's serializer settings
// (auto.register.schemas, use.schema.id, use.latest.version, use.latest.with.metadata,
// normalize.schemas, key.subject.name.strategy / value.subject.name.strategy,
// key.schema.id.serializer / value.schema.id.serializer). Build one with [Option]s.
type Config struct {
	Key            bool                 // the key of the record, not its value
	Subject        SubjectNameStrategy  // default TopicName
	AutoRegister   bool                 // register the schema if needed (default true)
	SchemaID       int32                // > 0: write this id, whatever the schema
	UseLatest      bool                 // write the subject's latest version's id
	LatestMetadata map[string]string    // write the latest version with these metadata properties
	Normalize      bool                 // ask the registry to normalize before registering or looking up
	IDFormat       IDFormat             // where the id goes (default PrefixID)
	Validate       bool                 // JSON Schema: check values against the schema
	References     []sr.SchemaReference // registered schemas the serializer's schema refers to
	MaxEmptyItems  int                  // Avro: zero-size array items one record may hold (0: 2^20)
	Rules          rules.Runner         // runs the target schema's rules; nil: no rule runs
	SelectField    FieldSelector        // which fields a field-level rule applies to (nil: DefaultFieldSelector)
}

// IDFormat is where a serializer puts the schema id.
type IDFormat int

const (
	// PrefixID is the classic format: magic 0 and the 4-byte id before the payload. Every
	// Confluent deserializer reads it.
	PrefixID IDFormat = iota
	// PrefixGUID is magic 1 and the schema's 16-byte GUID before the payload. Readers need
	// Confluent Platform 8 clients or newer.
	PrefixGUID
	// HeaderGUID leaves the payload bare and puts magic 1 and the GUID in the record header
	// __key_schema_id or __value_schema_id. Readers need Confluent Platform 8 clients or newer.
	HeaderGUID
)

// Option sets part of a [Config].
type Option func(*Config)

// Key makes a serializer write, and a deserializer read, the record's key: the subject is
// TOPIC-key under the default strategy, and the GUID header is __key_schema_id.
func Key() Option { return func(c *Config) { c.Key = true } }

// Strategy sets the subject name strategy: [TopicName] (the default), [RecordName],
// [TopicRecordName], or a function of your own.
func Strategy(s SubjectNameStrategy) Option { return func(c *Config) { c.Subject = s } }

// NoAutoRegister makes a serializer look its schema up instead of registering it: a schema
// the subject does not have is an error (Confluent's auto.register.schemas=false).
func NoAutoRegister() Option { return func(c *Config) { c.AutoRegister = false } }

// UseSchemaID makes a serializer write id for every record, after checking that the
// registry has it (use.schema.id). It turns auto-registration off.
func UseSchemaID(id int32) Option {
	return func(c *Config) { c.SchemaID, c.AutoRegister = id, false }
}

// UseLatest makes a serializer write with the subject's latest version, looked up again
// after the client's LatestTTL (use.latest.version). It turns auto-registration off.
func UseLatest() Option { return func(c *Config) { c.UseLatest, c.AutoRegister = true, false } }

// UseLatestWithMetadata makes a serializer write with the latest version of the subject
// whose metadata properties include md (use.latest.with.metadata). It turns
// auto-registration off.
func UseLatestWithMetadata(md map[string]string) Option {
	return func(c *Config) { c.LatestMetadata, c.AutoRegister = md, false }
}

// Normalize asks the registry to normalize the schema before registering or looking it up
// (normalize.schemas), so that schemas differing only in formatting get one id.
func Normalize() Option { return func(c *Config) { c.Normalize = true } }

// WithIDFormat sets where a serializer puts the schema id (default [PrefixID]).
func WithIDFormat(f IDFormat) Option { return func(c *Config) { c.IDFormat = f } }

// Validate makes a JSON Schema serializer check each value against the schema before
// writing it, and a deserializer check each value it reads against the writer's schema.
// Avro and Protobuf values cannot be written against their schema, so they ignore it.
func Validate() Option { return func(c *Config) { c.Validate = true } }

// References declares the registered schemas a serializer's schema refers to: the subjects
// and versions that define the Avro named types or JSON Schema $refs it uses. Protobuf
// serializers find their references in the message's imports and register them themselves.
func References(refs ...sr.SchemaReference) Option {
	return func(c *Config) { c.References = append(c.References, refs...) }
}

// MaxEmptyItems bounds how many array items of a type that takes no bytes (null, an empty
// record, fixed(0)) one Avro record may hold, counted over the whole record; the default is
// 2^20. Such items cost nothing to claim but memory to decode, so without a total a record of
// a few bytes could make a deserializer allocate without bound.
func MaxEmptyItems(n int) Option { return func(c *Config) { c.MaxEmptyItems = n } }

// OwnSchema reports whether a serializer writes with its own schema (registered or looked
// up), rather than with one chosen by id or as the latest version.
func (c Config) OwnSchema() bool { return c.SchemaID == 0 && !c.UseLatest && c.LatestMetadata == nil }

// NewConfig applies opts to the defaults and checks the result.
func NewConfig(opts ...Option) (Config, error) {
	c := Config{Subject: TopicName, AutoRegister: true}
	for _, opt := range opts {
		opt(&c)
	}
	return c, c.check()
}

func (c Config) check() error {
	if c.Subject == nil {
		return errors.New("serde: no subject name strategy")
	}
	if c.SchemaID < 0 {
		return fmt.Errorf("serde: UseSchemaID(%d): ids are positive", c.SchemaID)
	}
	choices := 0
	for _, set := range []bool{c.SchemaID > 0, c.UseLatest, c.LatestMetadata != nil} {
		if set {
			choices++
		}
	}
	if choices > 1 {
		return errors.New("serde: UseSchemaID, UseLatest and UseLatestWithMetadata exclude each other")
	}
	if c.IDFormat < PrefixID || c.IDFormat > HeaderGUID {
		return fmt.Errorf("serde: unknown IDFormat %d", c.IDFormat)
	}
	return nil
}
