package protobuf

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
)

// walkers gives every schema the one field walker: a message carries its own descriptor,
// whose field options hold the inline tags, so the walk needs nothing from the schema text.
func walkers(cfg serde.Config) serde.FieldWalkers {
	walker := fieldWalker(cfg.FieldSelector(), &serde.Memo[protoreflect.FieldDescriptor, []string]{})
	return func(context.Context, sr.Schema) (rules.FieldWalker, error) { return walker, nil }
}

// encodeWithRules is encode for a target with rules: the domain rules on the message, the
// encoding rules on its bytes, then the prefix.
func (s *Serializer[T]) encodeWithRules(ctx context.Context, buf []byte, topic string, t *serde.Target, msg *message, m T) ([]byte, *serde.Target, []int, error) {
	m, err := serde.WriteDomain(ctx, s.w, topic, t, m)
	if err != nil {
		return buf, nil, nil, err
	}
	body, err := proto.Marshal(m)
	if err != nil {
		return buf, nil, nil, fmt.Errorf("serde/protobuf: encode %s: %w", msg.name, err)
	}
	if body, err = s.w.RunEncoding(ctx, topic, t, body); err != nil {
		return buf, nil, nil, err
	}
	buf = s.w.AppendPrefix(buf, t, msg.indexes)
	return append(buf, body...), t, msg.indexes, nil
}

// readRules runs the domain rules on a decoded message (of m's reader version, when m is
// not nil). A rule that returns another message
// than v (a whole-message transform) has its result copied into v, which is the caller's.
func readRules[T proto.Message](ctx context.Context, r *serde.Reader, rr *serde.ReadRules, m *serde.Migration, v T) error {
	out := v
	if err := serde.ReadDomainAs(ctx, r, rr, m, &out); err != nil {
		return err
	}
	if proto.Message(out) != proto.Message(v) {
		proto.Reset(v)
		proto.Merge(v, out)
	}
	return nil
}
