package avro

import (
	"errors"

	"github.com/accord-registry/accord/compat/jackson"
)

// After a document is parsed, Avro Java's ParseContext resolves forward
// references and its resolver rebuilds every record, array, map and union;
// the effects that show are below.

// resolve replaces the forward references of the current document by their
// definitions ("Undefined schema" when there is none), noting the slots that
// held one for resolveDefaults.
func (p *avroParser) resolve(root *avroNode) (*avroNode, error) {
	if len(p.pending) == 0 {
		return root, nil
	}
	p.refSlots = map[refSlot]bool{}
	var err error
	lookup := func(parent *avroNode, i int, n *avroNode) *avroNode {
		if n.kind != kindRef {
			return n
		}
		p.refSlots[refSlot{parent, i}] = true
		if def := p.names[n.ref]; def != nil {
			return def
		}
		if err == nil {
			err = errors.New("Undefined schema: " + n.ref)
		}
		return n
	}
	root = lookup(nil, 0, root)
	walkNodes(root, func(n *avroNode) {
		for i, f := range n.fields {
			f.typ = lookup(n, i, f.typ)
		}
		if n.items != nil {
			n.items = lookup(n, 0, n.items)
		}
		if n.values != nil {
			n.values = lookup(n, 0, n.values)
		}
		for i, b := range n.branches {
			n.branches[i] = lookup(n, i, b)
		}
	})
	return root, err
}

// refSlot is a child of a node: its field, branch, items or values (0).
type refSlot struct {
	parent *avroNode
	index  int
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
