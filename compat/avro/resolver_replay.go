package avro

import (
	"errors"
	"fmt"
)

// After parsing a document, Avro Java's ParseContext resolves it: its
// SchemaResolver.ResolvingVisitor replaces each forward reference's
// placeholder by its definition ("Undefined schema" when there is none) and
// copies every record, union, array and map of the context. Copying a union
// runs UnionSchema's duplicate check again, now on the definitions; building
// a record copy's fields (new Schema.Field) validates their defaults again,
// against the resolved types. A copy gets its fields only once the visit of
// its subtree is over, so a default checked against a record whose copy is
// still being built (an enclosing record reached again through a recursive
// reference) throws "Schema fields not set yet". replayResolver replays that
// visit, in Avro's order, on the resolved graph, so that the first of these
// errors is the one Avro reports.

// cloneState is where Avro's resolver stands with a record of the document.
type cloneState uint8

const (
	notCopied cloneState = iota
	building             // copied, fields not set yet
	built
)

// Avro's resolver starts a fresh walk (Schemas.visit) at each named type, and again at each
// forward reference to a type not yet copied, so its work grows with the square of the types
// and its nesting with their number. Accord bounds both: a crafted schema of a few hundred KB
// would otherwise hold a core for seconds, and one of 16 MiB for hours.
const (
	maxReplaySteps = 2_000_000 // schemas visited, over all walks
	maxReplayDepth = 2_000     // walks started inside walks; Java's stack overflows sooner
)

// defaultResolver is one ResolvingVisitor run over the current document.
type defaultResolver struct {
	p     *avroParser
	state map[*avroNode]cloneState // the document's records; others (dependencies) are built
	// builtIn is the walk from the top (ParseContext's loop over named types) in which each
	// record was built. Everything a walk from the top reaches is built when it ends, and
	// every union it reaches checked, so meeting a record built in an earlier walk from the
	// top again, Avro's resolver does nothing anywhere in its subtree: the replay skips it.
	builtIn map[*avroNode]int
	top     int // the current walk from the top
	steps   int
	depth   int
}

func errReplayLimit(limit string) error {
	return fmt.Errorf("Schema too complex: resolving its forward references takes %s", limit)
}

// replayResolver checks the document as Avro's resolver does. Without
// forward references nothing changes from the checks made while parsing:
// every type is what it was, and no record refers back to one enclosing it.
func (p *avroParser) replayResolver(root *avroNode) error {
	if len(p.refSlots) == 0 {
		return nil
	}
	r := &defaultResolver{p: p, state: map[*avroNode]cloneState{}, builtIn: map[*avroNode]int{}}
	defer func() { p.replaySteps = r.steps }()
	for _, n := range p.docNamed {
		if n.kind == kindRecord {
			r.state[n] = notCopied
		}
	}
	// ParseContext visits its named types in the order they were defined
	// (the dependencies' come first and are already built), then the root
	// when it is not named.
	for _, n := range p.docNamed {
		if n.kind == kindRecord && p.names[n.name.full] == n {
			r.top++
			if err := r.visit(n); err != nil {
				return err
			}
		}
	}
	if !root.kind.named() {
		r.top++
		if err := r.visit(root); err != nil {
			return err
		}
	}
	for _, ref := range p.pending {
		if p.names[ref.ref] == nil { // not met above: cannot happen, but never accept it
			return errors.New("Undefined schema: " + ref.ref)
		}
	}
	return nil
}

// visitStep is an entry of Schemas.visit's deque: a schema to visit, a
// forward reference's placeholder, or the post-visit of a schema.
type visitStep struct {
	n           *avroNode
	placeholder bool
	after       bool
}

// visit is Schemas.visit(start, resolvingVisitor): a depth-first walk with
// an explicit stack (record fields visited first to last, union branches
// last to first) and its own set of visited schemas.
func (r *defaultResolver) visit(start *avroNode) error {
	if r.depth++; r.depth > maxReplayDepth {
		return errReplayLimit(fmt.Sprintf("walks nested more than %d deep", maxReplayDepth))
	}
	defer func() { r.depth-- }()
	visited := map[*avroNode]bool{}
	stack := []visitStep{{n: start}}
	for len(stack) > 0 {
		if r.steps++; r.steps > maxReplaySteps {
			return errReplayLimit(fmt.Sprintf("more than %d steps", maxReplaySteps))
		}
		step := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch {
		case step.after:
			if err := r.afterVisit(step.n); err != nil {
				return err
			}
		case step.placeholder:
			// Resolving a placeholder visits its definition first unless
			// the resolver has already copied it.
			if step.n.kind == kindRef {
				return errors.New("Undefined schema: " + step.n.ref)
			}
			if st, ok := r.state[step.n]; ok && st == notCopied {
				if err := r.visit(step.n); err != nil {
					return err
				}
			}
		case !visited[step.n]:
			stack = r.visitNode(step.n, visited, stack)
		}
	}
	return nil
}

// visitNode copies a record not yet copied and pushes the post-visit and
// the children of a record, array, map or union.
func (r *defaultResolver) visitNode(n *avroNode, visited map[*avroNode]bool, stack []visitStep) []visitStep {
	if n.kind == kindRecord {
		st, ok := r.state[n]
		if !ok {
			return stack // a dependency's record, resolved when it was parsed
		}
		if st == built && r.builtIn[n] < r.top && !r.p.replayAll {
			return stack
		}
		if st == notCopied {
			r.state[n] = building
		}
	}
	child := func(i int, c *avroNode) visitStep {
		return visitStep{n: c, placeholder: r.p.refSlots[refSlot{n, i}]}
	}
	switch n.kind {
	case kindRecord:
		stack = append(stack, visitStep{n: n, after: true})
		for i := len(n.fields) - 1; i >= 0; i-- {
			stack = append(stack, child(i, n.fields[i].typ))
		}
	case kindUnion:
		stack = append(stack, visitStep{n: n, after: true})
		for i, b := range n.branches {
			stack = append(stack, child(i, b))
		}
	case kindArray:
		stack = append(stack, visitStep{n: n, after: true}, child(0, n.items))
	case kindMap:
		stack = append(stack, visitStep{n: n, after: true}, child(0, n.values))
	default:
		return stack
	}
	visited[n] = true
	return stack
}

// afterVisit copies a union, checking its branches, or builds a record
// copy's fields unless an earlier visit already did: each field's default is
// validated with the records still being built lacking fields.
func (r *defaultResolver) afterVisit(n *avroNode) error {
	if n.kind == kindUnion {
		return checkBranches(n)
	}
	if n.kind != kindRecord || r.state[n] != building {
		return nil
	}
	unbuilt := func(s *avroNode) bool {
		st, ok := r.state[s]
		return ok && st == building
	}
	for _, f := range n.fields {
		if err := r.p.checkDefault(f, unbuilt); err != nil {
			return err
		}
	}
	r.state[n], r.builtIn[n] = built, r.top
	return nil
}
