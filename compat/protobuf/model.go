package protobuf

import (
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// The Protobuf diff model mirrors what Confluent's diff reads from Square Wire's file
// element: messages with their fields (top-level and per oneof), nested messages and enums,
// and field labels as written. Synthetic map-entry messages, group messages and proto3
// optional's synthetic oneofs do not exist in that model and are left out; type names are
// resolved through the linked descriptors.

// pbFile is one parsed schema file.
type pbFile struct {
	pkg      string
	messages []*pbMessage // top level, in declaration order
	enums    []*pbEnum
}

// pbMessage is a message declaration.
type pbMessage struct {
	name     string
	pkg      string  // package of the file declaring it
	local    string  // full name without the package
	ref      *string // the declaring file's reference identity, nil for none
	fields   []*pbField
	oneofs   []*pbOneof
	messages []*pbMessage
	enums    []*pbEnum
}

// pbOneof is a real (not synthetic) oneof.
type pbOneof struct {
	name   string
	fields []*pbField
}

// pbField is a field as Confluent sees it.
type pbField struct {
	name  string
	tag   int32
	label string // "", "optional", "required" or "repeated", as written
	typ   pbType
}

// pbType is a field's (or a map key's or value's) type.
type pbType struct {
	scalar string     // protobuf scalar name, or "" for enum, message and map
	enum   bool       // an enum type
	msg    *pbMessage // the message type
	key    *pbType    // map key
	value  *pbType    // map value
}

// pbEnum is an enum declaration.
type pbEnum struct {
	name   string
	values []pbEnumValue
}

type pbEnumValue struct {
	name   string
	number int32
}

// pbBuilder builds the model of a file and of the messages it uses from other files.
type pbBuilder struct {
	refs     map[string]*string
	messages map[protoreflect.FullName]*pbMessage
}

func buildPBFile(fd protoreflect.FileDescriptor, refs map[string]*string) *pbFile {
	b := &pbBuilder{refs: refs, messages: map[protoreflect.FullName]*pbMessage{}}
	f := &pbFile{pkg: string(fd.Package())}
	f.messages = b.messageList(fd.Messages())
	f.enums = pbEnumList(fd.Enums())
	return f
}

func (b *pbBuilder) messageList(ms protoreflect.MessageDescriptors) []*pbMessage {
	var out []*pbMessage
	for i := 0; i < ms.Len(); i++ {
		md := ms.Get(i)
		if md.IsMapEntry() || pbIsGroupMessage(md) {
			continue
		}
		out = append(out, b.message(md))
	}
	return out
}

// pbIsGroupMessage reports whether md is the message of a proto2 group field.
func pbIsGroupMessage(md protoreflect.MessageDescriptor) bool {
	parent, ok := md.Parent().(protoreflect.MessageDescriptor)
	if !ok {
		return false
	}
	fields := parent.Fields()
	for i := 0; i < fields.Len(); i++ {
		f := fields.Get(i)
		if f.Kind() == protoreflect.GroupKind && f.Message() == md && md.ParentFile().Syntax() == protoreflect.Proto2 {
			return true
		}
	}
	return false
}

func (b *pbBuilder) message(md protoreflect.MessageDescriptor) *pbMessage {
	if m, ok := b.messages[md.FullName()]; ok {
		return m
	}
	pkg := string(md.ParentFile().Package())
	local := strings.TrimPrefix(string(md.FullName()), pkg+".")
	if pkg == "" {
		local = string(md.FullName())
	}
	m := &pbMessage{name: string(md.Name()), pkg: pkg, local: local, ref: b.refs[md.ParentFile().Path()]}
	b.messages[md.FullName()] = m
	oneofs := map[protoreflect.FullName]*pbOneof{}
	ods := md.Oneofs()
	for i := 0; i < ods.Len(); i++ {
		if od := ods.Get(i); !od.IsSynthetic() {
			o := &pbOneof{name: string(od.Name())}
			oneofs[od.FullName()] = o
			m.oneofs = append(m.oneofs, o)
		}
	}
	fds := md.Fields()
	for i := 0; i < fds.Len(); i++ {
		fd := fds.Get(i)
		if fd.Kind() == protoreflect.GroupKind && fd.ParentFile().Syntax() == protoreflect.Proto2 {
			continue // Wire keeps groups apart from fields; Confluent's diff ignores them
		}
		f := &pbField{name: string(fd.Name()), tag: int32(fd.Number()), label: pbWrittenLabel(fd), typ: b.fieldType(fd)}
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			o := oneofs[od.FullName()]
			o.fields = append(o.fields, f)
			continue
		}
		m.fields = append(m.fields, f)
	}
	m.messages = b.messageList(md.Messages())
	m.enums = pbEnumList(md.Enums())
	return m
}

// pbWrittenLabel is the label as Wire reads it from the text: proto3 and editions fields
// without a label keyword have none, oneof members and map fields never have one.
func pbWrittenLabel(fd protoreflect.FieldDescriptor) string {
	if fd.IsMap() {
		return ""
	}
	if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
		return ""
	}
	switch {
	case fd.Cardinality() == protoreflect.Repeated:
		return "repeated"
	case fd.ParentFile().Syntax() == protoreflect.Proto2 && fd.Cardinality() == protoreflect.Required:
		return "required"
	case fd.ParentFile().Syntax() == protoreflect.Proto2:
		return "optional"
	case fd.HasOptionalKeyword():
		return "optional"
	}
	return ""
}

func (b *pbBuilder) fieldType(fd protoreflect.FieldDescriptor) pbType {
	if fd.IsMap() {
		k := b.fieldType(fd.MapKey())
		v := b.fieldType(fd.MapValue())
		return pbType{key: &k, value: &v}
	}
	switch fd.Kind() {
	case protoreflect.EnumKind:
		return pbType{enum: true}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return pbType{msg: b.message(fd.Message())}
	}
	return pbType{scalar: fd.Kind().String()}
}

func pbEnumList(es protoreflect.EnumDescriptors) []*pbEnum {
	var out []*pbEnum
	for i := 0; i < es.Len(); i++ {
		ed := es.Get(i)
		e := &pbEnum{name: string(ed.Name())}
		vs := ed.Values()
		for j := 0; j < vs.Len(); j++ {
			e.values = append(e.values, pbEnumValue{name: string(vs.Get(j).Name()), number: int32(vs.Get(j).Number())})
		}
		out = append(out, e)
	}
	return out
}
