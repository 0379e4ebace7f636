package jsonschema

import (
	"slices"
	"strconv"

	"github.com/accord-registry/accord/compat/jackson"
)

// jsonCycleBreakURI is a resource holding the empty schema. The validator's copy of a
// schema points the $refs that close a reference cycle there (see jsCompilerRewrites).
const jsonCycleBreakURI = "mem:///accord-reference-cycle.json"

// jsCompilerRewrites are the changes made to the copy of a document that the validator
// (santhosh-tekuri/jsonschema) compiles, so that it accepts what Confluent's loader (everit)
// accepts. The diff model is built from the document as written.
//
//   - A $ref that closes a cycle of in-place references (`{"$ref":"#"}`,
//     `{"anyOf":[{"$ref":"#"}]}`, two definitions referring to each other) points to the
//     empty schema instead: the validator refuses such a cycle as an infinite loop, everit
//     builds its references lazily and loads it.
//   - Up to draft 7, a same-document pointer ("#/...") inside a subschema with its own $id is
//     made absolute against the document when the root has that pointer, as everit
//     evaluates it against the root (jsRootPointerRef).
//   - A `type` array with repeated names is de-duplicated: everit reads it as an anyOf of one
//     schema per entry, the meta-schema's uniqueItems would refuse it.
type jsCompilerRewrites struct {
	refs map[*jackson.Value]string // new $ref value, by the object holding the $ref
}

// jsSchemaSite is a JSON object of a document that may be a schema, with its location.
type jsSchemaSite struct {
	loc  jsLocation
	succ []int // sites applied to the same instance: in-place subschemas and the $ref target
	ref  int   // the $ref target's site, -1 when none
}

// compilerRewrites computes the rewrites for the documents of b.
func (b *jsBuilder) compilerRewrites(docs []*jsDoc) *jsCompilerRewrites {
	rw := &jsCompilerRewrites{refs: map[*jackson.Value]string{}}
	var sites []jsSchemaSite
	index := map[*jackson.Value]int{}
	for _, d := range docs {
		jsEachObject(d.root, "", 0, func(ptr string, v *jackson.Value) {
			if _, seen := index[v]; !seen {
				index[v] = len(sites)
				sites = append(sites, jsSchemaSite{loc: jsLocation{d, ptr, v}, ref: -1})
			}
		})
	}
	for i := range sites {
		s := &sites[i]
		for _, child := range jsInPlaceSubschemas(s.loc.v) {
			if j, ok := index[child]; ok {
				s.succ = append(s.succ, j)
			}
		}
		ref, ok := s.loc.v.Get("$ref").TextValue()
		if !ok {
			continue
		}
		d := s.loc.doc
		if _, ok := b.locate(d.uri + ref); ok && jsRootPointerRef(d, s.loc.ptr, ref) {
			rw.refs[s.loc.v] = d.uri + ref
		}
		if loc, ok := b.refLocation(d, s.loc.ptr, ref); ok {
			if j, ok := index[loc.v]; ok {
				s.ref = j
				s.succ = append(s.succ, j)
			}
		}
	}
	for _, comp := range jsStrongComponents(sites) {
		in := map[int]bool{}
		for _, i := range comp {
			in[i] = true
		}
		for _, i := range comp {
			if in[sites[i].ref] && (len(comp) > 1 || sites[i].ref == i) {
				rw.refs[sites[i].loc.v] = jsonCycleBreakURI
			}
		}
	}
	return rw
}

// jsEachObject calls fn for every object in v, depth first.
func jsEachObject(v *jackson.Value, ptr string, depth int, fn func(ptr string, v *jackson.Value)) {
	if depth > maxJSONSchemaDepth+1 {
		return
	}
	switch v.Kind {
	case jackson.Object:
		fn(ptr, v)
		for _, m := range v.Members {
			jsEachObject(m.Val, ptr+"/"+jsEscapePointer(m.Key), depth+1, fn)
		}
	case jackson.Array:
		for i, el := range v.Elems {
			jsEachObject(el, ptr+"/"+strconv.Itoa(i), depth+1, fn)
		}
	}
}

// jsInPlaceSubschemas are the subschemas of v that apply to the same instance as v (the
// keywords along which the validator looks for infinite loops), of every draft.
func jsInPlaceSubschemas(v *jackson.Value) []*jackson.Value {
	var out []*jackson.Value
	for _, k := range []string{"not", "if", "then", "else", "contentSchema"} {
		if c := v.Get(k); c != nil {
			out = append(out, c)
		}
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if c := v.Get(k); c != nil {
			out = append(out, c.Elems...)
		}
	}
	for _, k := range []string{"dependencies", "dependentSchemas"} {
		if c := v.Get(k); c != nil {
			for _, m := range c.Members {
				out = append(out, m.Val)
			}
		}
	}
	return out
}

// jsStrongComponents is Tarjan's algorithm: the strongly connected components of the sites'
// successor graph.
func jsStrongComponents(sites []jsSchemaSite) [][]int {
	n := len(sites)
	order, low := make([]int, n), make([]int, n)
	onStack := make([]bool, n)
	var stack []int
	var comps [][]int
	next := 1
	var visit func(i int)
	visit = func(i int) {
		order[i], low[i] = next, next
		next++
		stack = append(stack, i)
		onStack[i] = true
		for _, j := range sites[i].succ {
			switch {
			case order[j] == 0:
				visit(j)
				low[i] = min(low[i], low[j])
			case onStack[j]:
				low[i] = min(low[i], order[j])
			}
		}
		if low[i] != order[i] {
			return
		}
		var comp []int
		for {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[j] = false
			comp = append(comp, j)
			if j == i {
				break
			}
		}
		comps = append(comps, comp)
	}
	for i := range sites {
		if order[i] == 0 {
			visit(i)
		}
	}
	return comps
}

// compilerCopy renders v as the validator sees it, with the rewrites applied. A $schema the
// validator does not know is dropped at the root: Confluent falls back to draft 7 for those.
func (rw *jsCompilerRewrites) compilerCopy(v *jackson.Value) string {
	cp := rw.rewrite(v)
	if cp.Kind == jackson.Object {
		if s, ok := cp.Get("$schema").TextValue(); ok && !jsKnownDraftURI(s) {
			cp = &jackson.Value{Kind: jackson.Object, Members: slices.DeleteFunc(slices.Clone(cp.Members),
				func(m jackson.Member) bool { return m.Key == "$schema" })}
		}
	}
	return jackson.Render(cp)
}

// rewrite returns v, or a copy of it with the rewrites applied where needed.
func (rw *jsCompilerRewrites) rewrite(v *jackson.Value) *jackson.Value {
	switch v.Kind {
	case jackson.Array:
		var arr []*jackson.Value
		for i, el := range v.Elems {
			if nel := rw.rewrite(el); nel != el && arr == nil {
				arr = slices.Clone(v.Elems)
				arr[i] = nel
			} else if arr != nil {
				arr[i] = nel
			}
		}
		if arr == nil {
			return v
		}
		return &jackson.Value{Kind: jackson.Array, Elems: arr}
	case jackson.Object:
		var obj []jackson.Member
		for i, m := range v.Members {
			nm := m
			if ref, ok := rw.refs[v]; ok && m.Key == "$ref" {
				nm.Val = &jackson.Value{Kind: jackson.String, Str: ref}
			} else if m.Key == "type" && m.Val.Kind == jackson.Array {
				nm.Val = jsDistinctTypes(m.Val)
			} else {
				nm.Val = rw.rewrite(m.Val)
			}
			if nm.Val != m.Val && obj == nil {
				obj = slices.Clone(v.Members)
			}
			if obj != nil {
				obj[i] = nm
			}
		}
		if obj == nil {
			return v
		}
		return &jackson.Value{Kind: jackson.Object, Members: obj}
	}
	return v
}

// jsDistinctTypes is a type array without repeated names (v itself when it has none).
func jsDistinctTypes(v *jackson.Value) *jackson.Value {
	seen := map[string]bool{}
	var out []*jackson.Value
	for _, el := range v.Elems {
		key := jsonValueKey(el)
		if !seen[key] {
			seen[key] = true
			out = append(out, el)
		}
	}
	if len(out) == len(v.Elems) {
		return v
	}
	return &jackson.Value{Kind: jackson.Array, Elems: out}
}
