package protobuf

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/bufbuild/protocompile/ast"
	"github.com/bufbuild/protocompile/linker"
	"google.golang.org/protobuf/types/descriptorpb"
)

// The canonical text of a Protobuf schema is Confluent's ProtobufSchemaUtils.toString: the
// file re-printed from Square Wire's element tree, in Wire's grouping (per message:
// reserved, options, fields, oneofs, groups, extension ranges, extends, nested messages,
// nested enums), two-space indentation, comments dropped, names and values as written.
// Normalised text (Confluent's toNormalizedString) also sorts and fully qualifies.

type pbPrintOptions struct {
	normalize        bool
	ignoreExtensions bool // Confluent's format=ignore_extensions
}

// pbPrinter prints one file's syntax tree.
type pbPrinter struct {
	opts  pbPrintOptions
	file  *ast.FileNode
	types map[ast.Node]string // field node → resolved type (".pkg.T", or "map<k, .pkg.V>")
	// extendees maps extension field nodes to their resolved extendee (".pkg.T").
	extendees map[ast.Node]string
	exts      pbExtensions // extensions visible to the file, for normalising options
	pkg       string
	scope     []string // enclosing message and enum names
}

// pbConfluentOptionPrefix marks custom options that ignore_extensions keeps.
const pbConfluentOptionPrefix = "confluent."

// protobufMaxTag is the largest field number; a range ending there prints "max".
const protobufMaxTag = 536_870_911

func printProtobuf(res linker.Result, opts pbPrintOptions) string {
	p := &pbPrinter{opts: opts, file: res.AST()}
	if opts.normalize {
		p.types, p.extendees = pbResolvedFieldTypes(res)
		p.initNormalize(res)
	}
	return p.printFile()
}

// pbResolvedFieldTypes maps each field node to its resolved type name, for normalising.
func pbResolvedFieldTypes(res linker.Result) (map[ast.Node]string, map[ast.Node]string) {
	out, extendees := map[ast.Node]string{}, map[ast.Node]string{}
	fdp := res.FileDescriptorProto()
	var walk func(msgs []*descriptorpb.DescriptorProto, fields []*descriptorpb.FieldDescriptorProto)
	walk = func(msgs []*descriptorpb.DescriptorProto, fields []*descriptorpb.FieldDescriptorProto) {
		for _, f := range fields {
			if f.GetTypeName() != "" {
				out[res.FieldNode(f)] = f.GetTypeName()
			}
			if f.GetExtendee() != "" {
				extendees[res.FieldNode(f)] = f.GetExtendee()
			}
		}
		for _, m := range msgs {
			walk(m.GetNestedType(), m.GetField())
			walk(nil, m.GetExtension())
		}
	}
	walk(fdp.GetMessageType(), fdp.GetExtension())
	var mapEntries func(msgs []*descriptorpb.DescriptorProto)
	mapEntries = func(msgs []*descriptorpb.DescriptorProto) {
		for _, m := range msgs {
			mapEntries(m.GetNestedType())
			for _, f := range m.GetField() {
				n, ok := res.FieldNode(f).(*ast.MapFieldNode)
				if !ok {
					continue
				}
				entry := pbFindMapEntry(m, f.GetTypeName())
				if entry == nil || len(entry.GetField()) < 2 {
					continue
				}
				v := entry.GetField()[1]
				vt := v.GetTypeName()
				if vt == "" {
					vt = string(n.MapType.ValueType.AsIdentifier())
				}
				out[n] = "map<" + n.MapType.KeyType.Val + ", " + vt + ">"
			}
		}
	}
	mapEntries(fdp.GetMessageType())
	return out, extendees
}

func pbFindMapEntry(m *descriptorpb.DescriptorProto, typeName string) *descriptorpb.DescriptorProto {
	simple := typeName[strings.LastIndexByte(typeName, '.')+1:]
	for _, n := range m.GetNestedType() {
		if n.GetName() == simple && n.GetOptions().GetMapEntry() {
			return n
		}
	}
	return nil
}

func (p *pbPrinter) printFile() string {
	var sb strings.Builder
	f := p.file
	if f.Syntax != nil {
		if s := f.Syntax.Syntax.AsString(); !p.opts.normalize || s == "proto3" {
			sb.WriteString("syntax = \"" + s + "\";\n")
		}
	}
	if f.Edition != nil {
		sb.WriteString("edition = \"" + f.Edition.Edition.AsString() + "\";\n")
	}
	var imports, public []string
	var options []*ast.OptionNode
	var types, extends, services []ast.Node
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.PackageNode:
			sb.WriteString("package " + string(d.Name.AsIdentifier()) + ";\n")
		case *ast.ImportNode:
			if d.Public != nil {
				public = append(public, d.Name.AsString())
			} else {
				imports = append(imports, d.Name.AsString())
			}
		case *ast.OptionNode:
			options = append(options, d)
		case *ast.MessageNode, *ast.EnumNode:
			types = append(types, d)
		case *ast.ExtendNode:
			extends = append(extends, d)
		case *ast.ServiceNode:
			services = append(services, d)
		}
	}
	if len(imports)+len(public) > 0 {
		sb.WriteByte('\n')
		for _, i := range p.sortedDistinct(imports) {
			sb.WriteString("import \"" + i + "\";\n")
		}
		for _, i := range p.sortedDistinct(public) {
			sb.WriteString("import public \"" + i + "\";\n")
		}
	}
	if opts := p.filterOptions(options); len(opts) > 0 {
		sb.WriteByte('\n')
		for _, o := range opts {
			sb.WriteString(p.optionStatement(o))
		}
	}
	if len(types) > 0 {
		sb.WriteByte('\n')
		p.writeTypes(&sb, types, false)
	}
	if !p.opts.ignoreExtensions && len(extends) > 0 {
		sb.WriteByte('\n')
		for _, e := range p.groupExtends(extends) {
			sb.WriteString(p.extend(e))
		}
	}
	if len(services) > 0 {
		sb.WriteByte('\n')
		for _, s := range services {
			sb.WriteString(p.service(s.(*ast.ServiceNode)))
		}
	}
	return sb.String()
}

func (p *pbPrinter) sortedDistinct(list []string) []string {
	if !p.opts.normalize {
		return list
	}
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}

// writeTypes writes messages, then enums (both in declaration order).
func (p *pbPrinter) writeTypes(sb *strings.Builder, types []ast.Node, indent bool) {
	write := func(s string) {
		if indent {
			pbAppendIndented(sb, s)
		} else {
			sb.WriteString(s)
		}
	}
	for _, t := range types {
		if m, ok := t.(*ast.MessageNode); ok {
			write(p.message(m))
		}
	}
	for _, t := range types {
		if e, ok := t.(*ast.EnumNode); ok {
			write(p.enum(e))
		}
	}
}

// pbAppendIndented indents every line of value by two spaces.
func pbAppendIndented(sb *strings.Builder, value string) {
	lines := strings.Split(value, "\n")
	if len(lines) > 1 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines {
		sb.WriteString("  " + l + "\n")
	}
}

func (p *pbPrinter) message(m *ast.MessageNode) string {
	var reserved []*ast.ReservedNode
	var options []*ast.OptionNode
	var fields, oneofs, groups, extensions, extends, types []ast.Node
	for _, d := range m.Decls {
		switch d := d.(type) {
		case *ast.ReservedNode:
			reserved = append(reserved, d)
		case *ast.OptionNode:
			options = append(options, d)
		case *ast.FieldNode, *ast.MapFieldNode:
			fields = append(fields, d)
		case *ast.OneofNode:
			oneofs = append(oneofs, d)
		case *ast.GroupNode:
			groups = append(groups, d)
		case *ast.ExtensionRangeNode:
			extensions = append(extensions, d)
		case *ast.ExtendNode:
			extends = append(extends, d)
		case *ast.MessageNode, *ast.EnumNode:
			types = append(types, d)
		}
	}
	p.scope = append(p.scope, m.Name.Val)
	defer func() { p.scope = p.scope[:len(p.scope)-1] }()
	var sb strings.Builder
	sb.WriteString("message " + m.Name.Val + " {")
	if len(reserved) > 0 {
		sb.WriteByte('\n')
		for _, r := range p.reservedLines(reserved, protobufMaxTag) {
			pbAppendIndented(&sb, r)
		}
	}
	p.writeOptionSection(&sb, options)
	if len(fields) > 0 {
		sb.WriteByte('\n')
		for _, f := range p.sortByTag(fields) {
			pbAppendIndented(&sb, p.field(f))
		}
	}
	if len(oneofs) > 0 {
		sb.WriteByte('\n')
		for _, o := range p.sortOneofs(oneofs) {
			pbAppendIndented(&sb, p.oneof(o))
		}
	}
	if len(groups) > 0 {
		sb.WriteByte('\n')
		for _, g := range p.sortByTag(groups) {
			pbAppendIndented(&sb, p.group(g.(*ast.GroupNode)))
		}
	}
	if !p.opts.ignoreExtensions && len(extensions) > 0 {
		sb.WriteByte('\n')
		for _, e := range extensions {
			pbAppendIndented(&sb, p.extensionRange(e.(*ast.ExtensionRangeNode)))
		}
	}
	if !p.opts.ignoreExtensions && len(extends) > 0 {
		sb.WriteByte('\n')
		for _, e := range p.groupExtends(extends) {
			pbAppendIndented(&sb, p.extend(e))
		}
	}
	if len(types) > 0 {
		sb.WriteByte('\n')
		p.writeTypes(&sb, types, true)
	}
	sb.WriteString("}\n")
	return sb.String()
}

func pbFieldTag(n ast.Node) uint64 {
	switch n := n.(type) {
	case *ast.FieldNode:
		return n.Tag.Val
	case *ast.MapFieldNode:
		return n.Tag.Val
	case *ast.GroupNode:
		return n.Tag.Val
	}
	return 0
}

func (p *pbPrinter) sortByTag(nodes []ast.Node) []ast.Node {
	if !p.opts.normalize {
		return nodes
	}
	out := slices.Clone(nodes)
	slices.SortStableFunc(out, func(a, b ast.Node) int { return cmp.Compare(pbFieldTag(a), pbFieldTag(b)) })
	return out
}

// sortOneofs drops empty oneofs and orders them by their first tag when normalising.
func (p *pbPrinter) sortOneofs(nodes []ast.Node) []*ast.OneofNode {
	var out []*ast.OneofNode
	for _, n := range nodes {
		o := n.(*ast.OneofNode)
		if p.opts.normalize && len(pbFieldNodes(o.Decls)) == 0 {
			continue
		}
		out = append(out, o)
	}
	if p.opts.normalize {
		first := func(o *ast.OneofNode) uint64 { return pbFieldTag(p.sortByTag(pbFieldNodes(o.Decls))[0]) }
		slices.SortStableFunc(out, func(a, b *ast.OneofNode) int { return cmp.Compare(first(a), first(b)) })
	}
	return out
}

// writeOptionSection prints a block's options, one statement a line, after a line break.
func (p *pbPrinter) writeOptionSection(sb *strings.Builder, options []*ast.OptionNode) {
	if opts := p.filterOptions(options); len(opts) > 0 {
		sb.WriteByte('\n')
		for _, o := range opts {
			pbAppendIndented(sb, p.optionStatement(o))
		}
	}
}

func (p *pbPrinter) oneof(o *ast.OneofNode) string {
	var options []*ast.OptionNode
	var groups []ast.Node
	for _, d := range o.Decls {
		switch d := d.(type) {
		case *ast.OptionNode:
			options = append(options, d)
		case *ast.GroupNode:
			groups = append(groups, d)
		}
	}
	var sb strings.Builder
	sb.WriteString("oneof " + o.Name.Val + " {")
	p.writeOptionSection(&sb, options)
	if fields := pbFieldNodes(o.Decls); len(fields) > 0 {
		sb.WriteByte('\n')
		for _, f := range p.sortByTag(fields) {
			pbAppendIndented(&sb, p.field(f))
		}
	}
	if len(groups) > 0 {
		sb.WriteByte('\n')
		for _, g := range p.sortByTag(groups) {
			pbAppendIndented(&sb, p.group(g.(*ast.GroupNode)))
		}
	}
	sb.WriteString("}\n")
	return sb.String()
}

func pbLabelOf(l ast.FieldLabel) string {
	if l.KeywordNode == nil {
		return ""
	}
	return l.Val + " "
}

// field prints a field or map field: label, type, name, tag and options, where Wire moves
// default and json_name after the other options.
func (p *pbPrinter) field(n ast.Node) string {
	var label, typ, name string
	var tag uint64
	var opts *ast.CompactOptionsNode
	scalar := false
	switch f := n.(type) {
	case *ast.FieldNode:
		label, typ, name, tag, opts = pbLabelOf(f.Label), string(f.FldType.AsIdentifier()), f.Name.Val, f.Tag.Val, f.Options
		scalar = pbIsScalar(typ)
	case *ast.MapFieldNode:
		typ = "map<" + f.MapType.KeyType.Val + ", " + string(f.MapType.ValueType.AsIdentifier()) + ">"
		name, tag, opts = f.Name.Val, f.Tag.Val, f.Options
	}
	if p.opts.normalize && !scalar {
		if t, ok := p.types[n]; ok {
			typ = t
		}
		if strings.HasPrefix(typ, "map<") {
			label = ""
		}
	}
	var sb strings.Builder
	sb.WriteString(label + typ + " " + name + " = " + strconv.FormatUint(tag, 10))
	if list := p.fieldOptions(opts); len(list) > 0 {
		sb.WriteString(" " + p.optionList(list))
	}
	sb.WriteString(";\n")
	return sb.String()
}

// fieldOptions orders compact options as Wire keeps them: the others, then default, then
// json_name; the default's value is printed by the field's type.
func (p *pbPrinter) fieldOptions(opts *ast.CompactOptionsNode) []string {
	if opts == nil {
		return nil
	}
	var rest, def, json []*ast.OptionNode
	for _, o := range opts.Options {
		switch pbOptionName(o) {
		case "default":
			def = append(def, o)
		case "json_name":
			json = append(json, o)
		default:
			rest = append(rest, o)
		}
	}
	return p.filterOptions(append(append(rest, def...), json...))
}

func pbIsScalar(t string) bool {
	switch t {
	case "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
		"fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes":
		return true
	}
	return false
}

func (p *pbPrinter) group(g *ast.GroupNode) string {
	header := pbLabelOf(g.Label) + "group " + g.Name.Val + " = " + strconv.FormatUint(g.Tag.Val, 10)
	return p.fieldBlock(header, pbFieldNodes(g.Decls))
}

// fieldBlock prints a braced block holding only fields, sorted by tag.
func (p *pbPrinter) fieldBlock(header string, fields []ast.Node) string {
	var sb strings.Builder
	sb.WriteString(header + " {")
	if len(fields) > 0 {
		sb.WriteByte('\n')
		for _, f := range p.sortByTag(fields) {
			pbAppendIndented(&sb, p.field(f))
		}
	}
	sb.WriteString("}\n")
	return sb.String()
}

// pbFieldNodes picks the field declarations out of a block's declarations.
func pbFieldNodes[D any](decls []D) []ast.Node {
	var out []ast.Node
	for _, d := range decls {
		if f, ok := any(d).(*ast.FieldNode); ok {
			out = append(out, f)
		}
	}
	return out
}

// pbExtend is an extend block to print: the extendee and its fields.
type pbExtend struct {
	name   string
	fields []ast.Node
}

// groupExtends lists the extend blocks; normalised, fields are grouped by resolved
// extendee in order of first appearance.
func (p *pbPrinter) groupExtends(nodes []ast.Node) []pbExtend {
	var out []pbExtend
	index := map[string]int{}
	for _, n := range nodes {
		e := n.(*ast.ExtendNode)
		fields := pbFieldNodes(e.Decls)
		name := string(e.Extendee.AsIdentifier())
		if !p.opts.normalize {
			out = append(out, pbExtend{name, fields})
			continue
		}
		for _, f := range fields {
			if r, ok := p.extendees[f]; ok {
				name = r
			}
			i, ok := index[name]
			if !ok {
				i = len(out)
				index[name] = i
				out = append(out, pbExtend{name: name})
			}
			out[i].fields = append(out[i].fields, f)
		}
	}
	return out
}

func (p *pbPrinter) extend(e pbExtend) string {
	return p.fieldBlock("extend "+e.name, e.fields)
}

// pbRangeValue is one reserved or extension value: a number, a range or a name.
type pbRangeValue struct {
	start, end int64
	isRange    bool
	name       string
}

func (p *pbPrinter) rangeValues(ranges []*ast.RangeNode, maxTag int64) []pbRangeValue {
	var out []pbRangeValue
	for _, r := range ranges {
		start := pbIntValue(r.StartVal)
		if r.EndVal == nil && r.Max == nil {
			out = append(out, pbRangeValue{start: start, end: start})
			continue
		}
		end := maxTag
		if r.EndVal != nil {
			end = pbIntValue(r.EndVal)
		}
		out = append(out, pbRangeValue{start: start, end: end, isRange: true})
	}
	return out
}

func pbIntValue(n ast.IntValueNode) int64 {
	v, _ := n.AsInt64()
	return v
}

func (p *pbPrinter) formatRange(v pbRangeValue, maxTag int64) string {
	switch {
	case v.name != "":
		return strconv.Quote(v.name)
	case !v.isRange || p.opts.normalize && v.start == v.end:
		return strconv.FormatInt(v.start, 10)
	case v.end >= protobufMaxTag:
		return strconv.FormatInt(v.start, 10) + " to max"
	}
	return strconv.FormatInt(v.start, 10) + " to " + strconv.FormatInt(v.end, 10)
}

// reservedLines prints reserved statements; normalised, one value per line, sorted.
func (p *pbPrinter) reservedLines(nodes []*ast.ReservedNode, maxTag int64) []string {
	var groups [][]pbRangeValue
	for _, r := range nodes {
		vals := p.rangeValues(r.Ranges, maxTag)
		for _, n := range r.Names {
			vals = append(vals, pbRangeValue{name: n.AsString()})
		}
		for _, n := range r.Identifiers {
			vals = append(vals, pbRangeValue{name: n.Val})
		}
		groups = append(groups, vals)
	}
	if p.opts.normalize {
		var single [][]pbRangeValue
		for _, g := range groups {
			for _, v := range g {
				single = append(single, []pbRangeValue{v})
			}
		}
		key := func(v pbRangeValue) int64 {
			if v.name != "" {
				return 1<<31 - 1
			}
			return v.start
		}
		slices.SortStableFunc(single, func(a, b []pbRangeValue) int {
			if c := cmp.Compare(key(a[0]), key(b[0])); c != 0 {
				return c
			}
			return strings.Compare(p.formatRange(a[0], maxTag), p.formatRange(b[0], maxTag))
		})
		groups = single
	}
	var out []string
	for _, g := range groups {
		var parts []string
		for _, v := range g {
			parts = append(parts, p.formatRange(v, maxTag))
		}
		out = append(out, "reserved "+strings.Join(parts, ", ")+";\n")
	}
	return out
}

func (p *pbPrinter) extensionRange(e *ast.ExtensionRangeNode) string {
	var parts []string
	for _, v := range p.rangeValues(e.Ranges, protobufMaxTag) {
		parts = append(parts, p.formatRange(v, protobufMaxTag))
	}
	s := "extensions " + strings.Join(parts, ", ")
	if e.Options != nil {
		if opts := p.filterOptions(e.Options.Options); len(opts) > 0 {
			s += " " + p.optionList(opts)
		}
	}
	return s + ";\n"
}

func (p *pbPrinter) enum(e *ast.EnumNode) string {
	var reserved []*ast.ReservedNode
	var options []*ast.OptionNode
	var values []*ast.EnumValueNode
	for _, d := range e.Decls {
		switch d := d.(type) {
		case *ast.ReservedNode:
			reserved = append(reserved, d)
		case *ast.OptionNode:
			options = append(options, d)
		case *ast.EnumValueNode:
			values = append(values, d)
		}
	}
	p.scope = append(p.scope, e.Name.Val)
	defer func() { p.scope = p.scope[:len(p.scope)-1] }()
	var sb strings.Builder
	sb.WriteString("enum " + e.Name.Val + " {")
	if len(reserved) > 0 {
		sb.WriteByte('\n')
		for _, r := range p.reservedLines(reserved, 1<<31-1) {
			pbAppendIndented(&sb, r)
		}
	} else if len(options) > 0 || len(values) > 0 {
		sb.WriteByte('\n')
	}
	for _, o := range p.filterOptions(options) {
		pbAppendIndented(&sb, p.optionStatement(o))
	}
	if p.opts.normalize {
		values = slices.Clone(values)
		slices.SortStableFunc(values, func(a, b *ast.EnumValueNode) int {
			if c := cmp.Compare(pbIntValue(a.Number), pbIntValue(b.Number)); c != 0 {
				return c
			}
			return strings.Compare(a.Name.Val, b.Name.Val)
		})
	}
	for _, v := range values {
		s := v.Name.Val + " = " + strconv.FormatInt(pbIntValue(v.Number), 10)
		if v.Options != nil {
			if opts := p.filterOptions(v.Options.Options); len(opts) > 0 {
				s += " " + p.optionList(opts)
			}
		}
		pbAppendIndented(&sb, s+";\n")
	}
	sb.WriteString("}\n")
	return sb.String()
}

func (p *pbPrinter) service(s *ast.ServiceNode) string {
	var options []*ast.OptionNode
	var rpcs []*ast.RPCNode
	for _, d := range s.Decls {
		switch d := d.(type) {
		case *ast.OptionNode:
			options = append(options, d)
		case *ast.RPCNode:
			rpcs = append(rpcs, d)
		}
	}
	var sb strings.Builder
	sb.WriteString("service " + s.Name.Val + " {")
	p.writeOptionSection(&sb, options)
	if len(rpcs) > 0 {
		sb.WriteByte('\n')
		for _, r := range rpcs {
			pbAppendIndented(&sb, p.rpc(r))
		}
	}
	sb.WriteString("}\n")
	return sb.String()
}

func (p *pbPrinter) rpc(r *ast.RPCNode) string {
	typ := func(t *ast.RPCTypeNode) string {
		s := string(t.MessageType.AsIdentifier())
		if t.Stream != nil {
			s = "stream " + s
		}
		return s
	}
	var sb strings.Builder
	sb.WriteString("rpc " + r.Name.Val + " (" + typ(r.Input) + ") returns (" + typ(r.Output) + ")")
	var options []*ast.OptionNode
	for _, d := range r.Decls {
		if o, ok := d.(*ast.OptionNode); ok {
			options = append(options, o)
		}
	}
	if opts := p.filterOptions(options); len(opts) > 0 {
		sb.WriteString(" {\n")
		for _, o := range opts {
			pbAppendIndented(&sb, p.optionStatement(o))
		}
		sb.WriteByte('}')
	}
	sb.WriteString(";\n")
	return sb.String()
}
