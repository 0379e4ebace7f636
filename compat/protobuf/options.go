package protobuf

import (
	"slices"
	"strings"

	"github.com/bufbuild/protocompile/ast"
	"github.com/bufbuild/protocompile/linker"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Normalised option printing (Confluent's FormatContext.filterOptions with normalize):
// custom option names are resolved to full names, "(a).b.c = v" becomes
// "(pkg.a) = { b: { c: v } }", options are sorted by name, and the settings of one
// non-repeated option are merged into a single message value. Values use Wire's option
// model: strings, primitives (numbers, booleans, enum names), maps and lists.

// pbOptValue is an option value in Wire's model.
type pbOptValue struct {
	str    *string // a string
	raw    string  // a primitive, as written
	keys   []string
	m      map[string]*pbOptValue // a map (keys in order)
	list   []*pbOptValue          // a list (when isList)
	isList bool
}

// pbOpt is one option: its name (without parentheses) and value.
type pbOpt struct {
	name   string
	paren  bool
	path   []string // the dotted tail of "(a).b.c", for unresolved options
	value  *pbOptValue
	source *ast.OptionNode
}

// pbExtensions indexes the extensions visible to a file (its own and its imports').
type pbExtensions map[string]protoreflect.ExtensionDescriptor

func collectExtensions(f protoreflect.FileDescriptor) pbExtensions {
	out := pbExtensions{}
	seen := map[string]bool{}
	var visit func(f protoreflect.FileDescriptor)
	var visitMsgs func(ms protoreflect.MessageDescriptors)
	add := func(xs protoreflect.ExtensionDescriptors) {
		for i := 0; i < xs.Len(); i++ {
			out[string(xs.Get(i).FullName())] = xs.Get(i)
		}
	}
	visitMsgs = func(ms protoreflect.MessageDescriptors) {
		for i := 0; i < ms.Len(); i++ {
			add(ms.Get(i).Extensions())
			visitMsgs(ms.Get(i).Messages())
		}
	}
	visit = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		add(f.Extensions())
		visitMsgs(f.Messages())
		imps := f.Imports()
		for i := 0; i < imps.Len(); i++ {
			visit(imps.Get(i).FileDescriptor)
		}
	}
	visit(f)
	return out
}

// resolve finds an extension by a name as written, from the scope outwards (Confluent's
// Context.resolve); "" when not found.
func (x pbExtensions) resolve(name string, pkg string, scope []string) string {
	if strings.HasPrefix(name, ".") {
		if _, ok := x[name[1:]]; ok {
			return name[1:]
		}
		return ""
	}
	var prefix []string
	if pkg != "" {
		prefix = strings.Split(pkg, ".")
	}
	prefix = append(prefix, scope...)
	for ; len(prefix) > 0; prefix = prefix[:len(prefix)-1] {
		if n := strings.Join(prefix, ".") + "." + name; x[n] != nil {
			return n
		}
	}
	if x[name] != nil {
		return name
	}
	return ""
}

// optValue converts a syntax-tree value to Wire's model.
func (p *pbPrinter) optValue(v ast.ValueNode) *pbOptValue {
	switch v := v.(type) {
	case ast.StringValueNode:
		s := v.AsString()
		return &pbOptValue{str: &s}
	case *ast.ArrayLiteralNode:
		out := &pbOptValue{isList: true}
		for _, e := range v.Elements {
			out.list = append(out.list, p.optValue(e))
		}
		return out
	case *ast.MessageLiteralNode:
		out := &pbOptValue{m: map[string]*pbOptValue{}}
		for _, e := range v.Elements {
			k := string(e.Name.Name.AsIdentifier())
			if e.Name.IsExtension() || e.Name.IsAnyTypeReference() {
				k = "[" + k + "]"
			}
			val := p.optValue(e.Val)
			old, ok := out.m[k]
			switch {
			case !ok:
				out.keys = append(out.keys, k)
				out.m[k] = val
			case old.isList:
				old.list = append(old.list, listItems(val)...)
			default:
				out.m[k] = &pbOptValue{isList: true, list: append([]*pbOptValue{old}, listItems(val)...)}
			}
		}
		return out
	}
	return &pbOptValue{raw: p.value(v)}
}

func listItems(v *pbOptValue) []*pbOptValue {
	if v.isList {
		return v.list
	}
	return []*pbOptValue{v}
}

// normalizeOptions is filterOptions with normalize: resolve, transform, sort, merge.
func (p *pbPrinter) normalizeOptions(opts []*ast.OptionNode) []pbOpt {
	var out []pbOpt
	for _, o := range opts {
		first := o.Name.Parts[0]
		op := pbOpt{name: string(first.Name.AsIdentifier()), paren: first.IsExtension(), source: o}
		for _, part := range o.Name.Parts[1:] {
			op.path = append(op.path, string(part.Name.AsIdentifier()))
		}
		if op.paren {
			if r := p.exts.resolve(op.name, p.pkg, p.scope); r != "" {
				op.name = r
				op.value = p.optValue(o.Val)
				for i := len(op.path) - 1; i >= 0; i-- {
					op.value = &pbOptValue{keys: []string{op.path[i]}, m: map[string]*pbOptValue{op.path[i]: op.value}}
				}
				op.path = nil
			} else {
				// Confluent keeps an option it cannot resolve under its written name, and
				// still prints its value normalised (FormatContext.formatOptionMap).
				op.value = p.optValue(o.Val)
			}
		}
		out = append(out, op)
	}
	slices.SortStableFunc(out, func(a, b pbOpt) int { return strings.Compare(a.name, b.name) })
	var merged []pbOpt
	for i := 0; i < len(out); {
		j := i
		for j < len(out) && out[j].name == out[i].name {
			j++
		}
		group := out[i:j]
		i = j
		ext := p.exts[group[0].name]
		if ext == nil || ext.Cardinality() == protoreflect.Repeated || !group[0].paren || group[0].value == nil {
			merged = append(merged, group...)
			continue
		}
		acc := group[0]
		for _, next := range group[1:] {
			if acc.value != nil && next.value != nil && acc.value.m != nil && next.value.m != nil {
				acc.value = mergeOptMaps(ext.Message(), acc.value, next.value)
			} else {
				acc = next
			}
		}
		merged = append(merged, acc)
	}
	return merged
}

// mergeOptMaps merges replacement into existing (Confluent's mergeOptionMaps).
func mergeOptMaps(md protoreflect.MessageDescriptor, existing, replacement *pbOptValue) *pbOptValue {
	out := &pbOptValue{keys: slices.Clone(existing.keys), m: map[string]*pbOptValue{}}
	for k, v := range existing.m {
		out.m[k] = v
	}
	for _, k := range replacement.keys {
		v2 := replacement.m[k]
		v1, ok := out.m[k]
		if !ok {
			out.keys = append(out.keys, k)
			out.m[k] = v2
			continue
		}
		var fd protoreflect.FieldDescriptor
		if md != nil {
			fd = md.Fields().ByName(protoreflect.Name(k))
		}
		out.m[k] = mergeOptValues(fd, v1, v2)
	}
	return out
}

func mergeOptValues(fd protoreflect.FieldDescriptor, v1, v2 *pbOptValue) *pbOptValue {
	singular := fd != nil && fd.Cardinality() != protoreflect.Repeated
	if singular && v1.m != nil && v2.m != nil && fd.Message() != nil {
		return mergeOptMaps(fd.Message(), v1, v2)
	}
	if singular {
		return v2
	}
	out := &pbOptValue{isList: true}
	seen := map[string]bool{}
	for _, v := range append(listItems(v1), listItems(v2)...) {
		key := v.key()
		if !seen[key] {
			seen[key] = true
			out.list = append(out.list, v)
		}
	}
	return out
}

// key identifies a value for Java's LinkedHashSet de-duplication.
func (v *pbOptValue) key() string {
	switch {
	case v.str != nil:
		return "s" + *v.str
	case v.isList:
		var parts []string
		for _, e := range v.list {
			parts = append(parts, e.key())
		}
		return "l[" + strings.Join(parts, ",") + "]"
	case v.m != nil:
		var parts []string
		for _, k := range v.keys {
			parts = append(parts, k+":"+v.m[k].key())
		}
		slices.Sort(parts)
		return "m{" + strings.Join(parts, ",") + "}"
	}
	return "p" + v.raw
}

// formatOpt prints a normalised option as "name = value".
func (p *pbPrinter) formatOpt(o pbOpt) string {
	if o.value == nil {
		return p.option(o.source)
	}
	name := o.name
	if o.paren {
		name = "(" + name + ")"
	}
	if len(o.path) > 0 { // an unresolved "(a).b.c": Wire prints the tail unparenthesised
		name += "." + strings.Join(o.path, ".")
	}
	if o.value.m != nil {
		return name + " = " + p.formatOptValue(o.value)
	}
	if o.value.isList {
		var list []string
		for _, e := range o.value.list {
			list = append(list, p.formatOptValue(e))
		}
		return name + " = " + p.optionList(list)
	}
	return name + " = " + p.formatOptValue(o.value)
}

// formatOptValue is formatOptionMapOrListValue with normalize.
func (p *pbPrinter) formatOptValue(v *pbOptValue) string {
	switch {
	case v.str != nil:
		return "\"" + pbEscapeString(*v.str) + "\""
	case v.isList:
		if len(v.list) == 1 {
			return p.formatOptValue(v.list[0])
		}
		var sb strings.Builder
		sb.WriteString("[\n")
		for i, e := range v.list {
			s := p.formatOptValue(e)
			if i < len(v.list)-1 {
				s += ","
			}
			pbAppendIndented(&sb, s)
		}
		sb.WriteByte(']')
		return sb.String()
	case v.m != nil:
		entries := map[string]*pbOptValue{}
		var keys []string
		for _, k := range v.keys {
			val := v.m[k]
			if val.isList && len(val.list) == 0 {
				continue
			}
			if strings.HasPrefix(k, "[") && strings.HasSuffix(k, "]") {
				if r := p.exts.resolve(k[1:len(k)-1], p.pkg, p.scope); r != "" {
					k = "[" + r + "]"
				}
			}
			if _, ok := entries[k]; !ok {
				keys = append(keys, k)
				entries[k] = val
			}
		}
		slices.Sort(keys)
		var sb strings.Builder
		sb.WriteString("{\n")
		for i, k := range keys {
			s := k + ": " + p.formatOptValue(entries[k])
			if i < len(keys)-1 {
				s += ","
			}
			pbAppendIndented(&sb, s)
		}
		sb.WriteByte('}')
		return sb.String()
	}
	return v.raw
}

// printerContext fills what normalised option printing needs.
func (p *pbPrinter) initNormalize(res linker.Result) {
	p.exts = collectExtensions(res)
	p.pkg = string(res.Package())
}
