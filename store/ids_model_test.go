package store

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestIDIndexAgreesWithAModel applies random SCHEMA records (new versions, rewrites that flip
// the deleted flag, tombstones), DELETE_SUBJECT and CLEAR_SUBJECT records to subjects in two
// contexts sharing a few ids (the same schema in several subjects), and after each checks
// the id index against what the subjects hold: each context's entry for an id lists exactly
// the versions with that id, once each; no two entries share memory, so that an append to
// one cannot change another; and a version's own one-element array, which backs the entry of
// an id no other version has, points at nothing but the version itself.
func TestIDIndexAgreesWithAModel(t *testing.T) {
	subjects := []string{"a", "b", "c", ":.ctx2:a", ":.ctx2:b"}
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 17))
		st := newState()
		for op := range 400 {
			subject := subjects[rng.IntN(len(subjects))]
			num := 1 + rng.IntN(3)
			id := 1 + rng.IntN(4)
			var rec [2]string
			switch k := rng.IntN(10); {
			case k < 6:
				rec = modelSchemaRecord(subject, num, id, rng.IntN(3) == 0)
			case k < 7:
				rec = [2]string{modelSchemaKey(subject, num), ""}
			case k < 9:
				rec = [2]string{fmt.Sprintf(`{"keytype":"DELETE_SUBJECT","subject":%q,"magic":0}`, subject),
					fmt.Sprintf(`{"subject":%q,"version":%d}`, subject, num)}
			default:
				rec = [2]string{fmt.Sprintf(`{"keytype":"CLEAR_SUBJECT","subject":%q,"magic":0}`, subject),
					fmt.Sprintf(`{"subject":%q}`, subject)}
			}
			applyLiterals(st, [][2]string{rec})
			if err := checkIDIndex(st); err != nil {
				t.Fatalf("seed %d, op %d, after %s: %v", seed, op, rec, err)
			}
		}
	}
}

func modelSchemaKey(subject string, num int) string {
	return fmt.Sprintf(`{"keytype":"SCHEMA","subject":%q,"version":%d,"magic":1}`, subject, num)
}

// schemaRecord is a SCHEMA record of version num of subject with id, whose text is the one
// every record with that id carries.
func modelSchemaRecord(subject string, num, id int, deleted bool) [2]string {
	text, _ := json.Marshal(fmt.Sprintf(`{"type":"fixed","name":"f%d","size":%d}`, id, id))
	return [2]string{modelSchemaKey(subject, num),
		fmt.Sprintf(`{"subject":%q,"version":%d,"id":%d,"schema":%s,"deleted":%t}`, subject, num, id, text, deleted)}
}

// checkIDIndex returns how the id index differs from what st.subjects hold, if it does.
func checkIDIndex(st *state) error {
	want := map[string]map[int]map[*version]bool{}
	for _, vs := range st.subjects {
		for _, v := range vs {
			if v.alone[0] != nil && v.alone[0] != v {
				return fmt.Errorf("%s v%d: its own id array points at another version (%s v%d, deleted %t)",
					v.subject, v.num, v.alone[0].subject, v.alone[0].num, v.alone[0].deleted)
			}
			if want[v.q.ctx] == nil {
				want[v.q.ctx] = map[int]map[*version]bool{}
			}
			if want[v.q.ctx][v.id] == nil {
				want[v.q.ctx][v.id] = map[*version]bool{}
			}
			want[v.q.ctx][v.id][v] = true
		}
	}
	cells := map[uintptr]string{}
	for name, c := range st.contexts {
		for id, vs := range c.ids {
			if len(vs) != len(want[name][id]) {
				return fmt.Errorf("context %q id %d lists %d versions, the subjects hold %d", name, id, len(vs), len(want[name][id]))
			}
			for i, v := range vs {
				if !want[name][id][v] {
					return fmt.Errorf("context %q id %d lists %s v%d, which the subjects do not hold", name, id, v.subject, v.num)
				}
				cell := uintptr(unsafe.Pointer(&vs[:cap(vs)][i]))
				if other, ok := cells[cell]; ok {
					return fmt.Errorf("context %q id %d shares memory with %s", name, id, other)
				}
				cells[cell] = fmt.Sprintf("context %q id %d", name, id)
			}
			delete(want[name], id)
		}
		if len(want[name]) > 0 {
			return fmt.Errorf("context %q: ids of versions missing from the index: %v", name, want[name])
		}
	}
	return nil
}
