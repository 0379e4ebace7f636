package jsonschema

import (
	"strconv"

	"github.com/accord-registry/accord/compat/budget"
)

// A compatibility check needs less than the diff's full change list: only the incompatible
// changes become messages, and every decision inside the diff (an edge of a combined schema's
// matching, a covered property, a narrowed not) only asks whether a sub-list is compatible.
// So Check runs the diff in verdict mode: compatible changes are dropped as they are found,
// and the work is bounded by a budget. That makes combined schemas cheap:
//
//   - The changes of the matched member pairs are all compatible (only compatible pairs are
//     edges), so they drop out and only the size of a maximum matching matters. Any order of
//     augmenting paths reaches the same size, so members with identical text are matched
//     first (an identical plain pair never changes) and other edges are computed only when an
//     augmenting path needs them.
//   - An edge only needs "compatible or not", so it is computed in quick mode, which stops at
//     the first incompatible change, with its own memo (its lists are partial).
//
// Both apply only when both combined schemas are plain (no $ref, no not): their sub-schemas
// then form trees, so no pair under comparison is met again while it is being compared, and
// every pair's result is the same whatever the order of comparison. With references, the
// diff's recursion guard makes results depend on that order, so the exhaustive comparison of
// every member pair (compareFull, Confluent's order) runs, bounded by the budget.

// jsVerdictMode is how a differ runs for Check (the zero value: the full change list).
type jsVerdictMode struct {
	on        bool
	work      *budget.Budget
	quick     bool                  // stop at the first incompatible change (an edge test)
	quickMemo map[[2]*jsNode]jsMemo // the memo of quick mode, whose lists are partial
}

// newJSONVerdictDiffer is the differ of a compatibility check, bounded by b.
func newJSONVerdictDiffer(lenient bool, b *budget.Budget) *jsonDiffer {
	d := newJSONDiffer(lenient)
	d.verdict = jsVerdictMode{on: true, work: b, quickMemo: map[[2]*jsNode]jsMemo{}}
	return d
}

// compare is SchemaDiff.compare (compareFull); in verdict mode it charges the budget and keeps
// only the incompatible changes.
func (d *jsonDiffer) compare(original, update *jsNode, path string) []Change {
	if !d.verdict.on {
		return d.compareFull(original, update, path)
	}
	if !d.verdict.work.Enter() {
		return nil // the check is abandoned; its result is discarded
	}
	changes := d.compareFull(original, update, path)
	d.verdict.work.Leave()
	d.verdict.work.Spend(len(changes))
	kept := changes[:0:0]
	for _, c := range changes {
		if !d.kindCompatible(c.kind) {
			kept = append(kept, c)
		}
	}
	return kept
}

// fits reports whether update reads everything original accepts, in quick mode.
func (d *jsonDiffer) fits(original, update *jsNode, path string) bool {
	if d.verdict.quick {
		return len(d.compare(original, update, path)) == 0
	}
	memo := d.memo
	d.memo, d.verdict.quick = d.verdict.quickMemo, true
	ok := len(d.compare(original, update, path)) == 0
	d.memo, d.verdict.quick = memo, false
	return ok
}

// combinedVerdict finishes checkJSONCombined in verdict mode for plain schemas: out holds the
// criterion and size changes; a maximum matching of the distinct members om and um smaller
// than the smaller side adds COMBINED_TYPE_SUBSCHEMAS_CHANGED.
func (d *jsonDiffer) combinedVerdict(o, u *jsNode, om, um []*jsNode, path string, out []Change) []Change {
	if d.verdict.quick && !d.compatible(out) {
		return out
	}
	m := newJSLazyMatching(d, om, um, jsChildPath(path, o.criterion))
	if m.size() < min(len(om), len(um)) {
		out = append(out, Change{"COMBINED_TYPE_SUBSCHEMAS_CHANGED", path})
	}
	return out
}

// jsLazyMatching is Kuhn's maximum bipartite matching between two member lists, with edges
// (compatible pairs) computed when first needed.
type jsLazyMatching struct {
	d              *jsonDiffer
	om, um         []*jsNode
	path           string
	edges          []int8 // len(om)*len(um): 0 unknown, 1 compatible, -1 not
	matchL, matchR []int
}

func newJSLazyMatching(d *jsonDiffer, om, um []*jsNode, path string) *jsLazyMatching {
	m := &jsLazyMatching{d: d, om: om, um: um, path: path, edges: make([]int8, len(om)*len(um)),
		matchL: make([]int, len(om)), matchR: make([]int, len(um))}
	for i := range m.matchL {
		m.matchL[i] = -1
	}
	for j := range m.matchR {
		m.matchR[j] = -1
	}
	return m
}

// size is the size of a maximum matching. It stops as soon as the answer is known: every
// member of the smaller side matched, or too many left members that no augmenting path reaches
// (such a member stays unmatched in any maximum matching that extends the current one).
func (m *jsLazyMatching) size() int {
	want := min(len(m.om), len(m.um))
	n := m.matchIdentical()
	unreachable := 0
	for i := range m.om {
		if n == want || len(m.om)-unreachable < want {
			break
		}
		if m.matchL[i] >= 0 {
			continue
		}
		if m.augment(i, make([]bool, len(m.um))) {
			n++
		} else {
			unreachable++
		}
		if !m.d.verdict.work.Spend(1) {
			break
		}
	}
	return n
}

// matchIdentical matches members with the same text and draft: such plain pairs compare equal
// without work.
func (m *jsLazyMatching) matchIdentical() int {
	n := 0
	for i, a := range m.om {
		for j, b := range m.um {
			if m.matchR[j] < 0 && a.key == b.key && a.draft == b.draft {
				m.edges[i*len(m.um)+j] = 1
				m.matchL[i], m.matchR[j] = j, i
				n++
				break
			}
		}
	}
	return n
}

// augment looks for an augmenting path from left member i, trying free right members first.
func (m *jsLazyMatching) augment(i int, seen []bool) bool {
	for _, free := range []bool{true, false} {
		for j := range m.um {
			if seen[j] || (m.matchR[j] < 0) != free || !m.edge(i, j) {
				continue
			}
			seen[j] = true
			if m.matchR[j] < 0 || m.augment(m.matchR[j], seen) {
				m.matchL[i], m.matchR[j] = j, i
				return true
			}
		}
	}
	return false
}

func (m *jsLazyMatching) edge(i, j int) bool {
	k := i*len(m.um) + j
	if m.edges[k] == 0 {
		m.edges[k] = -1
		if m.d.fits(m.om[i], m.um[j], jsChildPath(m.path, strconv.Itoa(i))) {
			m.edges[k] = 1
		}
	}
	return m.edges[k] == 1
}
