package avro

import (
	"fmt"
	"strings"
	"testing"
)

// backwardChain is a record holding n records, each a field of the one before it by a
// backward reference, and one forward reference, so that the resolver is replayed: Avro's
// resolver walks each record's chain again from every named type.
func backwardChain(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Top","fields":[{"name":"fwd","type":["null","Last"],"default":null}`)
	for k := 1; k <= n; k++ {
		prev := "int"
		if k > 1 {
			prev = fmt.Sprintf("R%d", k-1)
		}
		fmt.Fprintf(&b, `,{"name":"f%d","type":{"type":"record","name":"R%d","fields":[{"name":"p","type":%q}]}}`, k, k, prev)
	}
	b.WriteString(`,{"name":"z","type":{"type":"fixed","name":"Last","size":1}}]}`)
	return b.String()
}

// forwardChain is n records, each holding the one after it by a forward reference and the
// one before it by a backward one: every forward reference starts a walk inside the walk
// that met it, and each walk goes back through all the records before it.
func forwardChain(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Top","fields":[`)
	for k := 1; k <= n; k++ {
		if k > 1 {
			b.WriteByte(',')
		}
		next := "int"
		if k < n {
			next = fmt.Sprintf("R%d", k+1)
		}
		prev := "Top"
		if k > 1 {
			prev = fmt.Sprintf("R%d", k-1)
		}
		fmt.Fprintf(&b, `{"name":"f%d","type":{"type":"record","name":"R%d","fields":[{"name":"n","type":["null",%q]},{"name":"p","type":%q}]}}`, k, k, next, prev)
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestReplaySkipsBuiltRecords: the replay of Avro's resolver does not walk again what an
// earlier walk from the top built, so a schema whose named types refer back to one another
// costs steps in proportion to its size, where Avro's resolver (and this replay before)
// walked each chain from every type: 2,000 records took 2 million steps.
func TestReplaySkipsBuiltRecords(t *testing.T) {
	const n = 2000
	p := newAvroParser(ParseOptions{New: true})
	if _, err := p.parseDocument(backwardChain(n)); err != nil {
		t.Fatal(err)
	}
	if p.replaySteps == 0 || p.replaySteps > 10*n {
		t.Errorf("the replay took %d steps over %d records; want between 1 and %d", p.replaySteps, n, 10*n)
	}
}

// TestReplayBounded: where Avro's resolver itself nests a walk per forward reference, the
// replay stops at its limits with a 42201 that says so, instead of holding a core.
func TestReplayBounded(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{maxReplayDepth + 10, "walks nested more than 2000 deep"},
		{1500, "more than 2000000 steps"},
	} {
		_, err := Parse(forwardChain(tc.n), nil, ParseOptions{New: true})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d records: %v; want an error saying %q", tc.n, err, tc.want)
		}
	}
	// Well inside the limits, the same shape parses.
	if _, err := Parse(forwardChain(100), nil, ParseOptions{New: true}); err != nil {
		t.Errorf("100 records: %v", err)
	}
}

// FuzzReplaySkipChangesNothing: skipping the records an earlier walk from the top built
// changes no verdict and no message of the replay.
func FuzzReplaySkipChangesNothing(f *testing.F) {
	f.Add(backwardChain(3), false)
	f.Add(forwardChain(3), true)
	f.Add(`{"type":"record","name":"L","fields":[{"name":"m","type":["L","null"],"default":{"m":null}}]}`, true)
	f.Add(`{"type":"record","name":"A","fields":[{"name":"b","type":"B"},{"name":"c","type":{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"],"default":null},{"name":"d","type":"D"}]}},{"name":"e","type":{"type":"record","name":"D","fields":[{"name":"x","type":["null","B"],"default":{"a":null,"d":{"x":null}}}]}}]}`, true)
	f.Fuzz(func(t *testing.T, text string, isNew bool) {
		errs := [2]error{}
		for i, all := range []bool{false, true} {
			p := newAvroParser(ParseOptions{New: isNew})
			p.replayAll = all
			_, errs[i] = p.parseDocument(text)
		}
		if fmt.Sprint(errs[0]) != fmt.Sprint(errs[1]) && !strings.Contains(fmt.Sprint(errs[1]), "Schema too complex") {
			t.Fatalf("skipping built records: %v; walking them: %v\n%s", errs[0], errs[1], text)
		}
	})
}
