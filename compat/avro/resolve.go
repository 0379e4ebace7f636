package avro

import (
	"errors"

	"github.com/accord-registry/accord/compat/jackson"
)

// After a document is parsed, Avro Java's ParseContext resolves forward
// references and its resolver rebuilds every record, array, map and union;
// the effects that show are below.

// resolve replaces the forward references of the current document by their
// definitions, noting the slots that held one for replayResolver. A name with
// no definition stays a forward reference; replayResolver reports it
// ("Undefined schema") where Avro's resolver meets it first.
func (p *avroParser) resolve(root *avroNode) *avroNode {
	if len(p.pending) == 0 {
		return root
	}
	p.refSlots = map[refSlot]bool{}
	lookup := func(parent *avroNode, i int, n *avroNode) *avroNode {
		if n.kind != kindRef {
			return n
		}
		p.refSlots[refSlot{parent, i}] = true
		if def := p.names[n.ref]; def != nil {
			return def
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
	return root
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

// checkBranches is UnionSchema's constructor check, branch by branch: no
// union, and no two branches of the same name (the full name of a named
// type, else the type's name). A forward reference is Avro's placeholder,
// whose name is unique, until the resolver copies the union with the
// definition in its place.
func checkBranches(n *avroNode) error {
	seen := make(map[string]bool, len(n.branches))
	for _, b := range n.branches {
		switch {
		case b.kind == kindUnion:
			return errors.New("Nested union: " + resolvedText(n))
		case b.kind == kindRef:
			continue
		}
		key := b.kind.typeName()
		if b.kind.named() {
			key = b.name.full
		}
		if seen[key] {
			return errors.New("Duplicate in union:" + key)
		}
		seen[key] = true
	}
	return nil
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
