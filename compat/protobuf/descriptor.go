package protobuf

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// descriptorToProto prints a FileDescriptorProto (a base64 schema, as confluent-kafka for
// Python registers) as .proto source, which is then parsed like any other text. Types are
// printed fully qualified; map entries become map fields; options of the descriptor's own
// option messages are printed when scalar (custom options, stored as extensions, are not).
func descriptorToProto(fd *descriptorpb.FileDescriptorProto) string {
	var sb strings.Builder
	syntax := fd.GetSyntax()
	if syntax == "" {
		syntax = "proto2"
	}
	if syntax == "editions" {
		sb.WriteString("edition = \"" + strings.TrimPrefix(fd.GetEdition().String(), "EDITION_") + "\";\n")
	} else {
		sb.WriteString("syntax = \"" + syntax + "\";\n")
	}
	if fd.Package != nil {
		sb.WriteString("package " + fd.GetPackage() + ";\n")
	}
	public := map[int32]bool{}
	for _, i := range fd.GetPublicDependency() {
		public[i] = true
	}
	for i, dep := range fd.GetDependency() {
		kw := "import "
		if public[int32(i)] {
			kw = "import public "
		}
		sb.WriteString(kw + strconv.Quote(dep) + ";\n")
	}
	pbWriteDescOptions(&sb, "", fd.GetOptions())
	d := pbDescPrinter{proto2: syntax == "proto2"}
	for _, m := range fd.GetMessageType() {
		d.message(&sb, "", m)
	}
	for _, e := range fd.GetEnumType() {
		d.enum(&sb, "", e)
	}
	d.extensions(&sb, "", fd.GetExtension())
	for _, s := range fd.GetService() {
		sb.WriteString("service " + s.GetName() + " {\n")
		pbWriteDescOptions(&sb, "  ", s.GetOptions())
		for _, m := range s.GetMethod() {
			in, out := m.GetInputType(), m.GetOutputType()
			if m.GetClientStreaming() {
				in = "stream " + in
			}
			if m.GetServerStreaming() {
				out = "stream " + out
			}
			sb.WriteString("  rpc " + m.GetName() + " (" + in + ") returns (" + out + ");\n")
		}
		sb.WriteString("}\n")
	}
	return sb.String()
}

type pbDescPrinter struct {
	proto2 bool
}

func (d pbDescPrinter) message(sb *strings.Builder, indent string, m *descriptorpb.DescriptorProto) {
	sb.WriteString(indent + "message " + m.GetName() + " {\n")
	in := indent + "  "
	pbWriteDescOptions(sb, in, m.GetOptions())
	entries := map[string]*descriptorpb.DescriptorProto{}
	for _, n := range m.GetNestedType() {
		if n.GetOptions().GetMapEntry() {
			entries[n.GetName()] = n
		}
	}
	oneofs := make([][]*descriptorpb.FieldDescriptorProto, len(m.GetOneofDecl()))
	for _, f := range m.GetField() {
		if f.OneofIndex != nil && !f.GetProto3Optional() && int(f.GetOneofIndex()) < len(oneofs) {
			oneofs[f.GetOneofIndex()] = append(oneofs[f.GetOneofIndex()], f)
			continue
		}
		d.field(sb, in, f, entries, true)
	}
	for i, o := range m.GetOneofDecl() {
		if len(oneofs[i]) == 0 {
			continue
		}
		sb.WriteString(in + "oneof " + o.GetName() + " {\n")
		for _, f := range oneofs[i] {
			d.field(sb, in+"  ", f, entries, false)
		}
		sb.WriteString(in + "}\n")
	}
	for _, n := range m.GetNestedType() {
		if entries[n.GetName()] == nil {
			d.message(sb, in, n)
		}
	}
	for _, e := range m.GetEnumType() {
		d.enum(sb, in, e)
	}
	for _, r := range m.GetExtensionRange() {
		sb.WriteString(in + "extensions " + pbDescRange(r.GetStart(), r.GetEnd()-1, protobufMaxTag) + ";\n")
	}
	for _, r := range m.GetReservedRange() {
		sb.WriteString(in + "reserved " + pbDescRange(r.GetStart(), r.GetEnd()-1, protobufMaxTag) + ";\n")
	}
	for _, n := range m.GetReservedName() {
		sb.WriteString(in + "reserved " + strconv.Quote(n) + ";\n")
	}
	d.extensions(sb, in, m.GetExtension())
	sb.WriteString(indent + "}\n")
}

func pbDescRange(start, end, maxTag int32) string {
	switch {
	case start == end:
		return strconv.Itoa(int(start))
	case end >= maxTag:
		return strconv.Itoa(int(start)) + " to max"
	}
	return strconv.Itoa(int(start)) + " to " + strconv.Itoa(int(end))
}

func (d pbDescPrinter) extensions(sb *strings.Builder, indent string, exts []*descriptorpb.FieldDescriptorProto) {
	for _, f := range exts {
		sb.WriteString(indent + "extend " + f.GetExtendee() + " {\n")
		d.field(sb, indent+"  ", f, nil, true)
		sb.WriteString(indent + "}\n")
	}
}

func (d pbDescPrinter) field(sb *strings.Builder, indent string, f *descriptorpb.FieldDescriptorProto,
	entries map[string]*descriptorpb.DescriptorProto, labelled bool) {
	typ := f.GetTypeName()
	if typ == "" {
		typ = strings.ToLower(strings.TrimPrefix(f.GetType().String(), "TYPE_"))
	}
	label := ""
	if labelled {
		switch {
		case f.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REPEATED:
			label = "repeated "
		case f.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REQUIRED:
			label = "required "
		case d.proto2 || f.GetProto3Optional():
			label = "optional "
		}
	}
	if e := entries[typ[strings.LastIndexByte(typ, '.')+1:]]; e != nil && label == "repeated " && len(e.GetField()) == 2 {
		k, v := e.GetField()[0], e.GetField()[1]
		vt := v.GetTypeName()
		if vt == "" {
			vt = strings.ToLower(strings.TrimPrefix(v.GetType().String(), "TYPE_"))
		}
		label, typ = "", "map<"+strings.ToLower(strings.TrimPrefix(k.GetType().String(), "TYPE_"))+", "+vt+">"
	}
	sb.WriteString(indent + label + typ + " " + f.GetName() + " = " + strconv.Itoa(int(f.GetNumber())))
	var opts []string
	if f.DefaultValue != nil {
		v := f.GetDefaultValue()
		switch f.GetType() {
		case descriptorpb.FieldDescriptorProto_TYPE_STRING, descriptorpb.FieldDescriptorProto_TYPE_BYTES:
			v = "\"" + pbEscapeString(v) + "\""
		}
		opts = append(opts, "default = "+v)
	}
	if f.JsonName != nil && f.GetJsonName() != pbJSONCamelCase(f.GetName()) {
		opts = append(opts, "json_name = "+strconv.Quote(f.GetJsonName()))
	}
	opts = append(opts, pbScalarOptions(f.GetOptions())...)
	if len(opts) > 0 {
		sb.WriteString(" [" + strings.Join(opts, ", ") + "]")
	}
	sb.WriteString(";\n")
}

// pbJSONCamelCase is protoc's default json_name.
func pbJSONCamelCase(s string) string {
	var sb strings.Builder
	up := false
	for _, r := range s {
		switch {
		case r == '_':
			up = true
		case up && r >= 'a' && r <= 'z':
			sb.WriteRune(r - 'a' + 'A')
			up = false
		default:
			sb.WriteRune(r)
			up = false
		}
	}
	return sb.String()
}

func (d pbDescPrinter) enum(sb *strings.Builder, indent string, e *descriptorpb.EnumDescriptorProto) {
	sb.WriteString(indent + "enum " + e.GetName() + " {\n")
	pbWriteDescOptions(sb, indent+"  ", e.GetOptions())
	for _, v := range e.GetValue() {
		sb.WriteString(indent + "  " + v.GetName() + " = " + strconv.Itoa(int(v.GetNumber())))
		if opts := pbScalarOptions(v.GetOptions()); len(opts) > 0 {
			sb.WriteString(" [" + strings.Join(opts, ", ") + "]")
		}
		sb.WriteString(";\n")
	}
	for _, r := range e.GetReservedRange() {
		sb.WriteString(indent + "  reserved " + pbDescRange(r.GetStart(), r.GetEnd(), 1<<31-1) + ";\n")
	}
	for _, n := range e.GetReservedName() {
		sb.WriteString(indent + "  reserved " + strconv.Quote(n) + ";\n")
	}
	sb.WriteString(indent + "}\n")
}

func pbWriteDescOptions(sb *strings.Builder, indent string, opts proto.Message) {
	for _, o := range pbScalarOptions(opts) {
		sb.WriteString(indent + "option " + o + ";\n")
	}
}

// pbScalarOptions prints the set fields of an options message as "name = value", in field
// number order: custom options (extensions) as "(full.name)", message values as Wire's
// option maps.
func pbScalarOptions(opts proto.Message) []string {
	if opts == nil {
		return nil
	}
	m := opts.ProtoReflect()
	if !m.IsValid() {
		return nil
	}
	var out []string
	for _, fv := range pbSetFields(m) {
		fd, v := fv.fd, fv.v
		if fd.Name() == "map_entry" || fd.Name() == "uninterpreted_option" {
			continue
		}
		name := string(fd.Name())
		if fd.IsExtension() {
			name = "(" + string(fd.FullName()) + ")"
		}
		if fd.IsList() { // protoc syntax: a repeated option is set once per element
			for i := 0; i < v.List().Len(); i++ {
				out = append(out, name+" = "+pbOptionValueText(fd, v.List().Get(i)))
			}
			continue
		}
		if fd.IsMap() {
			continue
		}
		out = append(out, name+" = "+pbOptionValueText(fd, v))
	}
	return out
}

type pbFieldValue struct {
	fd protoreflect.FieldDescriptor
	v  protoreflect.Value
}

// pbSetFields lists a message's set fields in field number order.
func pbSetFields(m protoreflect.Message) []pbFieldValue {
	var out []pbFieldValue
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		out = append(out, pbFieldValue{fd, v})
		return true
	})
	slices.SortFunc(out, func(a, b pbFieldValue) int { return cmp.Compare(a.fd.Number(), b.fd.Number()) })
	return out
}

// pbOptionValueText prints one (non-list) value of fd.
func pbOptionValueText(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return "\"" + pbEscapeString(v.String()) + "\""
	case protoreflect.BytesKind:
		return "\"" + pbEscapeString(string(v.Bytes())) + "\""
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
		return strconv.Itoa(int(v.Enum()))
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return pbMessageText(v.Message())
	}
	return v.String()
}

// pbMessageText prints a message value as a message literal ("{", "key: value" lines, "}").
func pbMessageText(m protoreflect.Message) string {
	var lines []string
	for _, fv := range pbSetFields(m) {
		fd, v := fv.fd, fv.v
		key := string(fd.Name())
		if fd.IsExtension() {
			key = "[" + string(fd.FullName()) + "]"
		}
		switch {
		case fd.IsMap():
			var entries []string
			keys := []protoreflect.MapKey{}
			v.Map().Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
				keys = append(keys, k)
				return true
			})
			slices.SortFunc(keys, func(a, b protoreflect.MapKey) int { return strings.Compare(a.String(), b.String()) })
			for _, k := range keys {
				entries = append(entries, "{\n  key: "+pbOptionValueText(fd.MapKey(), k.Value())+",\n  value: "+
					strings.ReplaceAll(pbOptionValueText(fd.MapValue(), v.Map().Get(k)), "\n", "\n  ")+"\n}")
			}
			lines = append(lines, key+": "+pbListText(entries))
		case fd.IsList():
			var items []string
			for i := 0; i < v.List().Len(); i++ {
				items = append(items, pbOptionValueText(fd, v.List().Get(i)))
			}
			lines = append(lines, key+": "+pbListText(items))
		default:
			lines = append(lines, key+": "+pbOptionValueText(fd, v))
		}
	}
	return pbBracketed("{", "}", lines)
}

func pbListText(items []string) string { return pbBracketed("[", "]", items) }
