package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/bufbuild/protocompile/ast"
	"github.com/bufbuild/protocompile/parser"
	"github.com/bufbuild/protocompile/reporter"
)

// The line of a change, for people reading the report and for GitHub, which puts an
// annotation on that line of the pull request's diff. Avro messages name the field or type;
// JSON Schema and Protobuf messages carry a path ("#/properties/address/properties/city",
// "#/Order/payment/5"), which is looked up in the new file's text. A path to something the
// new file no longer has (a removed property or field) is shown at its nearest ancestor
// that it still has; line 1 when there is none.

// lineOf is the line of the new file a change is about.
func lineOf(text string, c change) int {
	if strings.HasPrefix(c.Path, "#/") {
		var lines map[string]int
		if strings.HasPrefix(strings.TrimSpace(text), "{") {
			lines = jsonLines([]byte(text))
		} else {
			lines = protoLines(text)
		}
		return nearestLine(lines, strings.TrimPrefix(c.Path, "#/"))
	}
	return namedLine(text, c)
}

// nearestLine is the line of path, or of its nearest ancestor the map has, or 1.
func nearestLine(lines map[string]int, path string) int {
	for {
		if line, ok := lines[path]; ok {
			return line
		}
		i := strings.LastIndexByte(path, '/')
		if i < 0 {
			return 1 // a removed top-level element: the file as a whole
		}
		path = path[:i]
	}
}

// namedLine is the Avro guess: the first line naming the field or type the description
// names, else 1.
func namedLine(text string, c change) int {
	if m := namePattern.FindStringSubmatch(c.Description); m != nil {
		for i, line := range strings.Split(text, "\n") {
			if strings.Contains(line, `"`+m[1]+`"`) || strings.Contains(line, " "+m[1]+" ") {
				return i + 1
			}
		}
	}
	return 1
}

// jsonLines maps the JSON pointer of every value of a JSON document, without the leading
// "/" ("properties/age"), to the line of its key (in an array, of its first token). A string
// in an array is also found by its value ("required/name"), as JSON Schema's "required"
// changes name it. A document that does not parse maps what came before the error.
func jsonLines(text []byte) map[string]int {
	lines := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(text))
	lineAt := func() int { return bytes.Count(text[:dec.InputOffset()], []byte("\n")) + 1 }
	// walk reads one value; array is the path of the array it is an item of ("" for none).
	var walk func(path, array string, depth int) error
	walk = func(path, array string, depth int) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if depth > 256 {
			return errors.New("nested too deep")
		}
		if _, ok := lines[path]; !ok {
			lines[path] = lineAt() // an array's item, or the document
		}
		if s, ok := tok.(string); ok && array != "" {
			if _, ok := lines[join(array, escapePointer(s))]; !ok {
				lines[join(array, escapePointer(s))] = lineAt()
			}
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				name, _ := key.(string)
				child := join(path, escapePointer(name))
				lines[child] = lineAt()
				if err := walk(child, "", depth+1); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(join(path, strconv.Itoa(i)), path, depth+1); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		return err
	}
	_ = walk("", "", 0) // what parsed is mapped; the rest is at line 1
	return lines
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "/" + name
}

// escapePointer escapes a key as a JSON pointer's segment (RFC 6901).
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// protoLines maps the paths of Accord's Protobuf changes (those of Confluent's
// ProtobufSchema diff, without "#/": "Order", "Order/2", "Order/payment/5", "Order/Line/1",
// "Status/1" for an enum's number 1) to the line of the element in a .proto file; "" is
// the package statement. A file that does not parse maps nothing.
func protoLines(text string) map[string]int {
	lines := map[string]int{}
	file, err := parser.Parse("new.proto", strings.NewReader(text), reporter.NewHandler(nil))
	if err != nil || file == nil {
		return lines
	}
	at := func(n ast.Node) int { return file.NodeInfo(n).Start().Line }
	for _, decl := range file.Decls {
		switch d := decl.(type) {
		case *ast.PackageNode:
			lines[""] = at(d)
		case *ast.MessageNode:
			protoMessageLines(lines, at, "", d.Name.Val, d, d.Decls)
		case *ast.EnumNode:
			protoEnumLines(lines, at, "", d)
		}
	}
	return lines
}

// protoMessageLines maps a message (or group) and what it declares.
func protoMessageLines(lines map[string]int, at func(ast.Node) int, parent, name string, msg ast.Node, decls []ast.MessageElement) {
	path := join(parent, name)
	lines[path] = at(msg)
	field := func(n ast.Node, tag *ast.UintLiteralNode) {
		if tag != nil {
			lines[join(path, strconv.FormatUint(tag.Val, 10))] = at(n)
		}
	}
	for _, decl := range decls {
		switch d := decl.(type) {
		case *ast.FieldNode:
			field(d, d.Tag)
		case *ast.MapFieldNode:
			field(d, d.Tag)
		case *ast.GroupNode:
			field(d, d.Tag)
			protoMessageLines(lines, at, path, d.Name.Val, d, d.Decls)
		case *ast.OneofNode:
			lines[join(path, d.Name.Val)] = at(d)
			for _, od := range d.Decls {
				if f, ok := od.(*ast.FieldNode); ok && f.Tag != nil {
					tag := strconv.FormatUint(f.Tag.Val, 10)
					lines[join(path, d.Name.Val+"/"+tag)] = at(f)
					lines[join(path, tag)] = at(f)
				}
			}
		case *ast.MessageNode:
			protoMessageLines(lines, at, path, d.Name.Val, d, d.Decls)
		case *ast.EnumNode:
			protoEnumLines(lines, at, path, d)
		}
	}
}

// protoEnumLines maps an enum and its values by number.
func protoEnumLines(lines map[string]int, at func(ast.Node) int, parent string, enum *ast.EnumNode) {
	path := join(parent, enum.Name.Val)
	lines[path] = at(enum)
	for _, decl := range enum.Decls {
		if v, ok := decl.(*ast.EnumValueNode); ok {
			if n, ok := v.Number.AsInt64(); ok {
				lines[join(path, strconv.FormatInt(n, 10))] = at(v)
			}
		}
	}
}
