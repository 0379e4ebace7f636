package avro

import (
	"errors"
	"io"
	"reflect"
	"unsafe"

	hamba "github.com/hamba/avro/v2"
	"github.com/modern-go/reflect2"

	"github.com/accord-registry/accord/serde"
)

// encoder is a schema with hamba/avro's encoder for T looked up once, so that writing a
// record skips hamba/avro's per-call lookup of the encoder by schema fingerprint and type.
// Only struct types take this path: their values are where &v points, which is what
// hamba/avro's encoders expect; other types (maps, pointers, interfaces) go through
// Writer.WriteVal.
type encoder[T any] struct {
	schema hamba.Schema
	enc    hamba.ValEncoder // nil: use WriteVal
}

func newEncoder[T any](api hamba.API, schema hamba.Schema) *encoder[T] {
	e := &encoder[T]{schema: schema}
	if typ := reflect.TypeFor[T](); typ.Kind() == reflect.Struct {
		e.enc = api.EncoderOf(schema, reflect2.Type2(typ))
	}
	return e
}

func (e *encoder[T]) encode(w *hamba.Writer, v *T) {
	if e.enc == nil {
		w.WriteVal(e.schema, *v)
		return
	}
	e.enc.Encode(unsafe.Pointer(v), w)
}

// decoder is a schema with hamba/avro's decoder into T looked up once. Decoders take a
// pointer to the destination for every T, as Reader.ReadVal gives them.
type decoder[T any] struct {
	schema hamba.Schema
	dec    hamba.ValDecoder
	budget emptyItemsBudget // checked before decoding
	rules  *serde.ReadRules // nil: no rule runs on these records

	// For records that may be migrated to the reader's version (rules.Migrates()):
	writer     *decoder[any] // decodes with the writer's schema into a generic value
	unreadable error         // set, and dec nil, when only migrated records can be read
}

func newDecoder[T any](api hamba.API, schema hamba.Schema) *decoder[T] {
	return &decoder[T]{schema: schema, dec: api.DecoderOf(schema, reflect2.Type2(reflect.TypeFor[*T]()))}
}

// decode reads data into v, with hamba/avro's Unmarshal's notion of an error.
func (d *decoder[T]) decode(r *hamba.Reader, data []byte, v *T) error {
	r.Reset(data)
	d.dec.Decode(unsafe.Pointer(v), r)
	err := r.Error
	r.Error = nil
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
