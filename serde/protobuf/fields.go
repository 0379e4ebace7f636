package protobuf

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
)

// Field-level rules (CEL_FIELD, ENCRYPT) see a message field by field, through
// protoreflect, as Confluent's Protobuf serializers do: every field of the message, nested
// messages, the items of repeated fields, the values of map fields, and the field of a
// oneof that is set; at each scalar (string, bytes, numbers, bool, enum) it asks the
// selector whether the rule applies and sets the field to what the transform returns. A
// field's full name is its Protobuf full name, "acme.Order.email".
//
// Inline tags are the field option (confluent.field_meta).tags of Confluent's
// confluent/meta.proto. serde does not link a generated descriptor of that file: the tags
// are read from the wire form of the field's options, where they are whether or not the
// program knows the extension (unknown fields are kept, known extensions are encoded).
//
// On write the walk changes a copy of the message, not the caller's (Confluent's Go
// serializer clones too); on read it changes the decoded message in place.

// Wire numbers of Confluent's confluent/meta.proto: the field_meta extension of
// google.protobuf.FieldOptions, and the tags of its Meta message.
const (
	fieldMetaNumber protowire.Number = 1088
	metaTagsNumber  protowire.Number = 3
)

// fieldWalker returns the walker of messages; tags keeps each field's inline tags.
func fieldWalker(sel serde.FieldSelector, tags *serde.Memo[protoreflect.FieldDescriptor, []string]) rules.FieldWalker {
	return func(rc *rules.Context, t rules.FieldTransform, msg any) (any, error) {
		m, ok := msg.(proto.Message)
		if !ok {
			return nil, fmt.Errorf("serde/protobuf: the rules were given a %T, not a message", msg)
		}
		if rc.Mode == rules.Write && rc.Rule.Kind != rules.Condition {
			m = proto.Clone(m)
		}
		w := &walk{rc: rc, t: t, sel: sel, tags: tags}
		if err := w.message(m.ProtoReflect(), 0); err != nil {
			return nil, err
		}
		return m, nil
	}
}

// walk is one walk of one message.
type walk struct {
	rc   *rules.Context
	t    rules.FieldTransform
	sel  serde.FieldSelector
	tags *serde.Memo[protoreflect.FieldDescriptor, []string]
}

// maxDepth bounds the walk of nested messages.
const maxDepth = 256

// message walks the fields of m.
func (w *walk) message(m protoreflect.Message, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("serde/protobuf: the message is nested more than %d deep", maxDepth)
	}
	fields := m.Descriptor().Fields()
	containing := m.Interface()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if (fd.ContainingOneof() != nil || fd.Message() != nil || fd.IsList()) && !m.Has(fd) {
			continue
		}
		f := rules.Field{Containing: containing, FullName: string(fd.FullName()), Name: string(fd.Name()),
			Type: fieldType(fd), Tags: w.inlineTags(fd)}
		var err error
		switch {
		case fd.IsList():
			err = w.list(f, fd, m.Mutable(fd).List(), depth)
		case fd.IsMap():
			err = w.mapValues(f, fd.MapValue(), m.Mutable(fd).Map(), depth)
		case fd.Message() != nil:
			err = w.message(m.Mutable(fd).Message(), depth+1)
		default:
			err = w.scalar(f, fd, m.Get(fd), func(v protoreflect.Value) { m.Set(fd, v) })
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// list walks the items of a repeated field.
func (w *walk) list(f rules.Field, fd protoreflect.FieldDescriptor, l protoreflect.List, depth int) error {
	for i := range l.Len() {
		var err error
		if fd.Message() != nil {
			err = w.message(l.Get(i).Message(), depth+1)
		} else {
			err = w.scalar(f, fd, l.Get(i), func(v protoreflect.Value) { l.Set(i, v) })
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// mapValues walks the values of a map field; their field type is the values'.
func (w *walk) mapValues(f rules.Field, vd protoreflect.FieldDescriptor, mp protoreflect.Map, depth int) error {
	if vd.Message() != nil {
		var err error
		mp.Range(func(_ protoreflect.MapKey, v protoreflect.Value) bool {
			err = w.message(v.Message(), depth+1)
			return err == nil
		})
		return err
	}
	f.Type = fieldType(vd)
	type update struct {
		key protoreflect.MapKey
		val protoreflect.Value
	}
	var updates []update
	var err error
	mp.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
		err = w.scalar(f, vd, v, func(nv protoreflect.Value) { updates = append(updates, update{k, nv}) })
		return err == nil
	})
	for _, u := range updates {
		mp.Set(u.key, u.val)
	}
	return err
}

// scalar applies the rule to one scalar value and stores the new one with set.
func (w *walk) scalar(f rules.Field, fd protoreflect.FieldDescriptor, v protoreflect.Value, set func(protoreflect.Value)) error {
	f, selected := w.sel.Select(w.rc, f)
	if !selected {
		return nil
	}
	out, applied, err := serde.RunFieldTransform(w.rc, w.t, f, v.Interface())
	if err != nil || !applied {
		return err
	}
	nv, err := scalarValue(fd, out)
	if err != nil {
		return fmt.Errorf("serde/protobuf: field %s: %w", f.FullName, err)
	}
	set(nv)
	return nil
}

// scalarValue is a transform's result as a value of fd's kind.
func scalarValue(fd protoreflect.FieldDescriptor, out any) (protoreflect.Value, error) {
	ok := false
	switch fd.Kind() {
	case protoreflect.StringKind:
		_, ok = out.(string)
	case protoreflect.BytesKind:
		_, ok = out.([]byte)
	case protoreflect.BoolKind:
		_, ok = out.(bool)
	case protoreflect.EnumKind:
		if n, isInt := out.(int32); isInt {
			out, ok = protoreflect.EnumNumber(n), true
		} else {
			_, ok = out.(protoreflect.EnumNumber)
		}
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		_, ok = out.(int32)
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		_, ok = out.(int64)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		_, ok = out.(uint32)
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		_, ok = out.(uint64)
	case protoreflect.FloatKind:
		_, ok = out.(float32)
	case protoreflect.DoubleKind:
		_, ok = out.(float64)
	}
	if !ok {
		return protoreflect.Value{}, fmt.Errorf("the rule returned a %T for a %s", out, fd.Kind())
	}
	return protoreflect.ValueOf(out), nil
}

// inlineTags are the tags of fd's (confluent.field_meta) option, read once per field.
func (w *walk) inlineTags(fd protoreflect.FieldDescriptor) []string {
	if tags, ok := w.tags.Load(fd); ok {
		return tags
	}
	tags := optionTags(fd.Options())
	w.tags.Store(fd, tags)
	return tags
}

// optionTags reads the tags of the field_meta extension from the wire form of a field's
// options.
func optionTags(opts proto.Message) []string {
	if opts == nil || !opts.ProtoReflect().IsValid() {
		return nil
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(opts)
	if err != nil {
		return nil
	}
	var tags []string
	forEachField(b, func(num protowire.Number, meta []byte) {
		if num == fieldMetaNumber {
			forEachField(meta, func(num protowire.Number, tag []byte) {
				if num == metaTagsNumber {
					tags = append(tags, string(tag))
				}
			})
		}
	})
	return tags
}

// forEachField calls f with the number and bytes of each length-delimited field of a
// message's wire form, and stops at the first malformed field.
func forEachField(b []byte, f func(protowire.Number, []byte)) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return
		}
		b = b[n:]
		if typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return
			}
			f(num, v)
			b = b[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return
		}
		b = b[n:]
	}
}

// fieldType is the type of fd's values, as Confluent names them.
func fieldType(fd protoreflect.FieldDescriptor) rules.FieldType {
	if fd.IsMap() {
		return rules.FieldMap
	}
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return rules.FieldRecord
	case protoreflect.EnumKind:
		return rules.FieldEnum
	case protoreflect.StringKind:
		return rules.FieldString
	case protoreflect.BytesKind:
		return rules.FieldBytes
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return rules.FieldInt
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return rules.FieldLong
	case protoreflect.FloatKind:
		return rules.FieldFloat
	case protoreflect.DoubleKind:
		return rules.FieldDouble
	case protoreflect.BoolKind:
		return rules.FieldBoolean
	}
	return rules.FieldNull
}
