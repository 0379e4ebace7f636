package protobuf

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bufbuild/protocompile/ast"
)

// Option and value printing for the Protobuf printer: option statements and lists, and the
// literal values options carry, written the way Confluent's printer writes them.

// pbOptionName is the option's name as written, extension parts in parentheses.
func pbOptionName(o *ast.OptionNode) string {
	var parts []string
	for _, part := range o.Name.Parts {
		name := string(part.Name.AsIdentifier())
		if part.IsExtension() {
			name = "(" + name + ")"
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, ".")
}

// filterOptions drops custom options other than Confluent's for ignore_extensions and
// prints the rest as "name = value"; normalised, as normalizeOptions says.
func (p *pbPrinter) filterOptions(opts []*ast.OptionNode) []string {
	var kept []*ast.OptionNode
	for _, o := range opts {
		first := o.Name.Parts[0]
		if p.opts.ignoreExtensions && first.IsExtension() &&
			!strings.HasPrefix(string(first.Name.AsIdentifier()), pbConfluentOptionPrefix) {
			continue
		}
		kept = append(kept, o)
	}
	var out []string
	if p.opts.normalize {
		for _, o := range p.normalizeOptions(kept) {
			out = append(out, p.formatOpt(o))
		}
		return out
	}
	for _, o := range kept {
		out = append(out, p.option(o))
	}
	return out
}

func (p *pbPrinter) optionStatement(o string) string {
	return "option " + o + ";\n"
}

// option prints "name = value"; a message value is printed as Wire's map.
func (p *pbPrinter) option(o *ast.OptionNode) string {
	if arr, ok := o.Val.(*ast.ArrayLiteralNode); ok {
		var list []string
		for _, e := range arr.Elements {
			list = append(list, p.value(e))
		}
		return pbOptionName(o) + " = " + p.optionList(list)
	}
	return pbOptionName(o) + " = " + p.value(o.Val)
}

// optionList is Wire's appendOptions: one option inline, several one per line.
func (p *pbPrinter) optionList(list []string) string {
	if len(list) == 1 {
		return "[" + list[0] + "]"
	}
	return pbBracketed("[", "]", list)
}

// pbBracketed prints items one per indented line between open and close, comma separated.
func pbBracketed(open, close string, items []string) string {
	var sb strings.Builder
	sb.WriteString(open + "\n")
	for i, it := range items {
		if i < len(items)-1 {
			it += ","
		}
		pbAppendIndented(&sb, it)
	}
	sb.WriteString(close)
	return sb.String()
}

func (p *pbPrinter) value(v ast.ValueNode) string {
	switch v := v.(type) {
	case ast.StringValueNode:
		return "\"" + pbEscapeString(v.AsString()) + "\""
	case ast.IdentValueNode:
		return string(v.AsIdentifier())
	case *ast.MessageLiteralNode:
		return p.messageLiteral(v)
	case *ast.ArrayLiteralNode:
		return p.arrayLiteral(v.Elements)
	case *ast.NegativeIntLiteralNode:
		return "-" + p.value(v.Uint)
	case *ast.SignedFloatLiteralNode:
		return string(v.Sign.Rune) + p.value(v.Float)
	}
	return p.file.NodeInfo(v).RawText()
}

// messageLiteral prints a message value as Wire's option map: "{", one "key: value" per
// line separated by commas, "}"; a key written several times becomes a list.
func (p *pbPrinter) messageLiteral(m *ast.MessageLiteralNode) string {
	type entry struct {
		vals []ast.ValueNode
		list bool
	}
	var keys []string
	entries := map[string]*entry{}
	for _, e := range m.Elements {
		k := string(e.Name.Name.AsIdentifier())
		if e.Name.IsExtension() || e.Name.IsAnyTypeReference() {
			k = "[" + k + "]"
		}
		en, ok := entries[k]
		if !ok {
			en = &entry{}
			entries[k] = en
			keys = append(keys, k)
		} else {
			en.list = true
		}
		if arr, ok := e.Val.(*ast.ArrayLiteralNode); ok {
			en.vals = append(en.vals, arr.Elements...)
			en.list = true
			continue
		}
		en.vals = append(en.vals, e.Val)
	}
	if p.opts.normalize {
		keys = slices.DeleteFunc(keys, func(k string) bool { return entries[k].list && len(entries[k].vals) == 0 })
		slices.Sort(keys)
	}
	var sb strings.Builder
	sb.WriteString("{\n")
	for i, k := range keys {
		en := entries[k]
		s := k + ": "
		if en.list {
			s += p.arrayLiteral(en.vals)
		} else {
			s += p.value(en.vals[0])
		}
		if i < len(keys)-1 {
			s += ","
		}
		pbAppendIndented(&sb, s)
	}
	sb.WriteByte('}')
	return sb.String()
}

func (p *pbPrinter) arrayLiteral(elems []ast.ValueNode) string {
	if p.opts.normalize && len(elems) == 1 {
		return p.value(elems[0])
	}
	var sb strings.Builder
	sb.WriteString("[\n")
	for i, e := range elems {
		s := p.value(e)
		if i < len(elems)-1 {
			s += ","
		}
		pbAppendIndented(&sb, s)
	}
	sb.WriteByte(']')
	return sb.String()
}

// pbEscapeString is Confluent's ProtobufSchemaUtils.escapeChars.
func pbEscapeString(s string) string {
	var sb strings.Builder
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				fmt.Fprintf(&sb, "\\%03o", s[i])
				continue
			}
		}
		switch r {
		case '\a':
			sb.WriteString(`\a`)
		case '\b':
			sb.WriteString(`\b`)
		case '\f':
			sb.WriteString(`\f`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		case '\v':
			sb.WriteString(`\v`)
		case '\\':
			sb.WriteString(`\\`)
		case '\'':
			sb.WriteString(`\'`)
		case '"':
			sb.WriteString(`\"`)
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
