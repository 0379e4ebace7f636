package serde

import (
	"context"
	"errors"
)

// EncodeFunc is the part of a serializer a format package writes: it appends the record for
// v (the prefix from [Writer.AppendPrefix], then the encoded value) to buf, and reports the
// target it wrote with and, for Protobuf, the message indexes (nil for other formats).
type EncodeFunc[T any] func(ctx context.Context, buf []byte, topic string, v T) (out []byte, t *Target, indexes []int, err error)

// Serializer gives every format's serializer the same three entry points on top of its
// [EncodeFunc]; the format packages embed it, so their serializers have these methods.
type Serializer[T any] struct {
	w      *Writer
	encode EncodeFunc[T]
}

// NewSerializer combines a writer and a format's encoder.
func NewSerializer[T any](w *Writer, encode EncodeFunc[T]) Serializer[T] {
	return Serializer[T]{w: w, encode: encode}
}

// ErrHeaderFormat is the error of Serialize and Append in a serializer that puts the schema id
// in a record header ([HeaderGUID]): only SerializeWithHeaders can return the header.
var ErrHeaderFormat = errors.New("serde: the serializer puts the schema id in a record header (HeaderGUID): use SerializeWithHeaders")

// Serialize returns v as a record value (or key) for topic: the schema id, then the encoded
// value.
func (s Serializer[T]) Serialize(ctx context.Context, topic string, v T) ([]byte, error) {
	return s.Append(ctx, nil, topic, v)
}

// Append appends the record for v to buf, growing it at most once.
func (s Serializer[T]) Append(ctx context.Context, buf []byte, topic string, v T) ([]byte, error) {
	if s.w.cfg.IDFormat == HeaderGUID {
		return buf, ErrHeaderFormat
	}
	out, _, _, err := s.encode(ctx, buf, topic, v)
	return out, err
}

// SerializeWithHeaders returns the record for v and the headers to send with it: headers
// unchanged in the prefix formats, plus the schema id header in [HeaderGUID].
func (s Serializer[T]) SerializeWithHeaders(ctx context.Context, topic string, v T, headers []Header) ([]byte, []Header, error) {
	out, t, indexes, err := s.encode(ctx, nil, topic, v)
	if err != nil {
		return nil, headers, err
	}
	return out, s.w.AppendHeader(headers, t, indexes), nil
}
