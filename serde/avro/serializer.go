package avro

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	hamba "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
)

// Serializer writes values of type T as Avro records in Confluent's wire format. It is safe
// for concurrent use.
type Serializer[T any] struct {
	serde.Serializer[T] // Serialize, Append, SerializeWithHeaders

	w    *serde.Writer
	api  hamba.API
	text string
	refs []sr.SchemaReference

	own     atomic.Pointer[ownSchema[T]]
	ownMu   sync.Mutex
	targets serde.Memo[int32, *encoder[T]] // schemas chosen by id or as the latest version
	writers sync.Pool                      // of *hamba.Writer
}

// ownSchema is the serializer's schema, parsed.
type ownSchema[T any] struct {
	enc  *encoder[T]
	name string
}

// GenericSerializer writes values of any type hamba/avro maps to the schema, such as
// map[string]any for records; use it when the type is not known at compile time.
type GenericSerializer = Serializer[any]

// NewSerializer returns a serializer of T under the Avro schema text. The schema is parsed
// now unless it has references ([serde.References]), which are fetched with the first record.
func NewSerializer[T any](c *serde.Client, schema string, opts ...serde.Option) (*Serializer[T], error) {
	w, err := serde.NewWriter(c, opts...)
	if err != nil {
		return nil, err
	}
	s := &Serializer[T]{w: w, api: newAPI(), text: schema, refs: w.Config().References}
	s.Serializer = serde.NewSerializer(w, s.encode)
	w.SetFieldWalkers(walkers(c, w.Config()))
	s.writers.New = func() any { return hamba.NewWriter(nil, 512, hamba.WithWriterConfig(s.api)) }
	if len(s.refs) == 0 {
		if _, err := s.ownSchema(context.Background()); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// NewGenericSerializer returns a serializer of dynamic values under the Avro schema text.
func NewGenericSerializer(c *serde.Client, schema string, opts ...serde.Option) (*GenericSerializer, error) {
	return NewSerializer[any](c, schema, opts...)
}

// encode appends the prefix and the body. After the first record of a topic it takes no
// lock: the schema, the target and the encoder plan are all cached.
func (s *Serializer[T]) encode(ctx context.Context, buf []byte, topic string, v T) ([]byte, *serde.Target, []int, error) {
	own := s.own.Load()
	if own == nil {
		var err error
		if own, err = s.ownSchema(ctx); err != nil {
			return buf, nil, nil, err
		}
	}
	t, ok := s.w.Cached(topic, own.name)
	if !ok {
		var err error
		if t, err = s.w.Resolve(ctx, topic, own.name, sr.Schema{Schema: s.text, Type: sr.TypeAvro, References: s.refs}); err != nil {
			return buf, nil, nil, err
		}
	}
	enc := own.enc
	if !t.Own {
		var err error
		if enc, err = s.targetEncoder(ctx, t); err != nil {
			return buf, nil, nil, err
		}
	}
	if t.RunsRules() {
		var err error
		if v, err = serde.WriteDomain(ctx, s.w, topic, t, v); err != nil {
			return buf, nil, nil, err
		}
	}
	wr := s.writers.Get().(*hamba.Writer)
	wr.Reset(nil)
	enc.encode(wr, &v)
	if wr.Error != nil {
		err := fmt.Errorf("serde/avro: encode %T for subject %q: %w", v, t.Subject, wr.Error)
		wr.Error = nil
		s.writers.Put(wr)
		return buf, nil, nil, err
	}
	body := wr.Buffer()
	if t.RunsRules() {
		var err error
		if body, err = s.w.RunEncoding(ctx, topic, t, body); err != nil {
			s.writers.Put(wr)
			return buf, nil, nil, err
		}
	}
	buf = slices.Grow(buf, maxPrefix+len(body))
	buf = s.w.AppendPrefix(buf, t, nil)
	buf = append(buf, body...)
	s.writers.Put(wr)
	return buf, t, nil, nil
}

// maxPrefix is the longest prefix: magic byte and GUID.
const maxPrefix = 17

// ownSchema parses the serializer's schema (with its references) once.
func (s *Serializer[T]) ownSchema(ctx context.Context) (*ownSchema[T], error) {
	s.ownMu.Lock()
	defer s.ownMu.Unlock()
	if own := s.own.Load(); own != nil {
		return own, nil
	}
	schema, err := parse(ctx, s.w.Client(), s.text, s.refs)
	if err != nil {
		return nil, err
	}
	own := &ownSchema[T]{enc: newEncoder[T](s.api, schema), name: recordName(schema)}
	s.own.Store(own)
	return own, nil
}

// targetEncoder is the encoder of a target chosen by id or as the latest version.
func (s *Serializer[T]) targetEncoder(ctx context.Context, t *serde.Target) (*encoder[T], error) {
	if enc, ok := s.targets.Load(t.ID); ok {
		return enc, nil
	}
	schema, err := parse(ctx, s.w.Client(), t.Schema.Schema, t.Schema.References)
	if err != nil {
		return nil, fmt.Errorf("schema id %d: %w", t.ID, err)
	}
	enc := newEncoder[T](s.api, schema)
	s.targets.Store(t.ID, enc)
	return enc, nil
}
