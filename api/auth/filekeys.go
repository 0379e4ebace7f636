package auth

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkShape reports the first place where a users file does not have the shape of
// fileFormat: a key that is not allowed where it is (a misspelt "pasword"), or a value of the
// wrong kind (a list where a mapping goes). The YAML decoder says the same in Go's type
// names ("field pasword not found in type struct {...}"); this says it with the line, the
// place in the file and the keys allowed there.
func checkShape(doc *yaml.Node) error {
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil
		}
		doc = doc.Content[0]
	}
	if doc.Kind == 0 { // an empty file
		return nil
	}
	return shapeOf(doc, reflect.TypeFor[fileFormat](), "")
}

// shapeOf checks node n against the Go type t it decodes into; where is its place in the
// file ("users, item 2, name"), empty at the top level.
func shapeOf(n *yaml.Node, t reflect.Type, where string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil // left to the decoder, which knows anchors; null is an absent value
	}
	switch t.Kind() {
	case reflect.Struct:
		return mappingShape(n, t, where)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return fmt.Errorf("line %d: %s must be a list", n.Line, where)
		}
		for i, item := range n.Content {
			if err := shapeOf(item, t.Elem(), fmt.Sprintf("%s, item %d", where, i+1)); err != nil {
				return err
			}
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: %s must be a single value", n.Line, where)
		}
	}
	return nil
}

// mappingShape checks a mapping's keys against the yaml tags of struct type t.
func mappingShape(n *yaml.Node, t reflect.Type, where string) error {
	var names []string
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		names = append(names, name)
		fields[name] = t.Field(i).Type
	}
	allowed := strings.Join(names, ", ")
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: %s must be a mapping of keys (%s)", n.Line, placeOr(where, "the file"), allowed)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		if key.Value == "<<" { // a merge key: left to the decoder
			continue
		}
		ft, ok := fields[key.Value]
		if !ok {
			return fmt.Errorf("line %d: unknown key %q %s; allowed: %s", key.Line, key.Value, placeOr("in "+where, "at the top level"), allowed)
		}
		if err := shapeOf(value, ft, strings.TrimPrefix(where+", "+key.Value, ", ")); err != nil {
			return err
		}
	}
	return nil
}

func placeOr(where, top string) string {
	if where == "" || where == "in " {
		return top
	}
	return where
}
