package protobuf

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/accord-registry/accord/serde"
)

// Serializer writes messages of type T in Confluent's wire format. It is safe for concurrent
// use.
type Serializer[T proto.Message] struct {
	serde.Serializer[T] // Serialize, Append, SerializeWithHeaders

	w        *serde.Writer
	own      bool
	files    *fileSchemas
	fixed    *message                                    // T's message, when T is a generated type
	messages serde.Memo[protoreflect.FullName, *message] // others, for dynamic messages
}

// DynamicSerializer writes any message, generated or *dynamicpb.Message.
type DynamicSerializer = Serializer[proto.Message]

// NewSerializer returns a serializer of T, a generated message type such as *orderpb.Order.
func NewSerializer[T proto.Message](c *serde.Client, opts ...serde.Option) (*Serializer[T], error) {
	w, err := serde.NewWriter(c, opts...)
	if err != nil {
		return nil, err
	}
	cfg := w.Config()
	s := &Serializer[T]{w: w, own: cfg.OwnSchema(),
		files: &fileSchemas{client: c, autoRegister: cfg.AutoRegister, normalize: cfg.Normalize}}
	s.Serializer = serde.NewSerializer(w, s.encode)
	w.SetFieldWalkers(walkers(cfg))
	var zero T
	if m := any(zero); m != nil { // a concrete (pointer) type, not the proto.Message interface
		s.fixed = describe(zero.ProtoReflect().Descriptor())
	}
	return s, nil
}

// NewDynamicSerializer returns a serializer of any message.
func NewDynamicSerializer(c *serde.Client, opts ...serde.Option) (*DynamicSerializer, error) {
	return NewSerializer[proto.Message](c, opts...)
}

// encode appends the prefix, the message indexes and the message.
func (s *Serializer[T]) encode(ctx context.Context, buf []byte, topic string, m T) ([]byte, *serde.Target, []int, error) {
	msg := s.fixed
	if msg == nil {
		if any(m) == nil {
			return buf, nil, nil, errors.New("serde/protobuf: nil message")
		}
		msg = s.describe(m.ProtoReflect().Descriptor())
	}
	t, ok := s.w.Cached(topic, msg.name)
	if !ok {
		var err error
		if t, err = s.resolve(ctx, topic, msg); err != nil {
			return buf, nil, nil, err
		}
	}
	if t.RunsRules() {
		return s.encodeWithRules(ctx, buf, topic, t, msg, m)
	}
	// MarshalAppend sizes the message once and grows buf at most once.
	buf = s.w.AppendPrefix(buf, t, msg.indexes)
	out, err := proto.MarshalOptions{}.MarshalAppend(buf, m)
	if err != nil {
		return buf, nil, nil, fmt.Errorf("serde/protobuf: encode %s: %w", msg.name, err)
	}
	return out, t, msg.indexes, nil
}

// maxPrefix is room for the longest prefix with a few levels of indexes.
const maxPrefix = 32

// resolve decides the target of a topic, registering the message's file and its imports when
// the serializer writes with its own schema.
func (s *Serializer[T]) resolve(ctx context.Context, topic string, msg *message) (*serde.Target, error) {
	var own sr.Schema
	if s.own {
		var err error
		if own, err = s.files.schema(ctx, msg.file); err != nil {
			return nil, err
		}
	}
	return s.w.Resolve(ctx, topic, msg.name, own)
}

// describe returns what is known about a dynamic message's type.
func (s *Serializer[T]) describe(md protoreflect.MessageDescriptor) *message {
	if msg, ok := s.messages.Load(md.FullName()); ok && msg.file == md.ParentFile() {
		return msg
	}
	msg := describe(md)
	s.messages.Store(md.FullName(), msg)
	return msg
}
