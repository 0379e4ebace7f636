package avro

import (
	"errors"

	"github.com/accord-registry/accord/compat/jackson"
)

// After a document is parsed, Avro Java's ParseContext resolves forward
// references and its resolver rebuilds every record, array, map and union;
// the effects that show are below.

// resolve replaces the forward references of the current document by their
// definitions ("Undefined schema" when there is none).
func (p *avroParser) resolve(root *avroNode) (*avroNode, error) {
	if len(p.pending) == 0 {
		return root, nil
	}
	var err error
	lookup := func(n *avroNode) *avroNode {
		if n.kind != kindRef {
			return n
		}
		if def := p.names[n.ref]; def != nil {
			return def
		}
		if err == nil {
			err = errors.New("Undefined schema: " + n.ref)
		}
		return n
	}
	root = lookup(root)
	walkNodes(root, func(n *avroNode) {
		for _, f := range n.fields {
			f.typ = lookup(f.typ)
		}
		if n.items != nil {
			n.items = lookup(n.items)
		}
		if n.values != nil {
			n.values = lookup(n.values)
		}
		for i, b := range n.branches {
			n.branches[i] = lookup(b)
		}
	})
	return root, err
}

// walkNodes calls fn once for every node reachable from root (children are
// visited after fn, so fn may replace them).
func walkNodes(root *avroNode, fn func(*avroNode)) {
	seen := map[*avroNode]bool{}
	stack := []*avroNode{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		fn(n)
		for _, f := range n.fields {
			stack = append(stack, f.typ)
		}
		if n.items != nil {
			stack = append(stack, n.items)
		}
		if n.values != nil {
			stack = append(stack, n.values)
		}
		stack = append(stack, n.branches...)
	}
}

// checkUnions rejects unions with two branches of the same name
// (UnionSchema's constructor, re-run by Avro after resolving references).
func checkUnions(root *avroNode) error {
	var err error
	walkNodes(root, func(n *avroNode) {
		seen := map[string]bool{}
		for _, b := range n.branches {
			key := b.kind.typeName()
			if b.kind.named() {
				key = b.name.full
			}
			if seen[key] && err == nil {
				err = errors.New("Duplicate in union:" + key)
			}
			seen[key] = true
		}
	})
	return err
}

// revalidateDefaults checks field defaults again against the resolved
// types: Avro's resolver rebuilds every record's fields after resolving
// forward references, validating their defaults once more.
func (p *avroParser) revalidateDefaults(root *avroNode) error {
	var err error
	walkNodes(root, func(n *avroNode) {
		for _, f := range n.fields {
			if e := p.validateDefault(f); e != nil && err == nil {
				err = e
			}
		}
	})
	return err
}

// logicalTypeFirst moves a valid logical type to the front of a record's,
// array's or map's properties: Avro's resolver copies these schemas and
// re-adds their logical type before the other properties.
func logicalTypeFirst(n *avroNode) {
	if n.kind != kindRecord && n.kind != kindArray && n.kind != kindMap {
		return
	}
	if _, ok := logicalTypeOf(n); !ok {
		return
	}
	for i, m := range n.props {
		if m.Key == "logicalType" {
			n.props = append(append([]jackson.Member{m}, n.props[:i]...), n.props[i+1:]...)
			return
		}
	}
}
