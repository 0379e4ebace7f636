package kafkagroup

import (
	"testing"
)

// FuzzDecodeGroupJSON feeds arbitrary bytes to the two parsers of other members' JSON (the
// identity in JoinGroup metadata and the assignment in SyncGroup): neither may panic, an
// identity that parses survives a round trip through Accord's own encoding, and the election
// over any mix of parsed and unparsable members picks at most one eligible leader.
func FuzzDecodeGroupJSON(f *testing.F) {
	f.Add([]byte(`{"version":1,"host":"a","port":8081,"master_eligibility":true,"scheme":"http","leader":false}`))
	f.Add([]byte(`{"version":2,"karapace_version":"5.0","host":"k","port":8081,"scheme":"https","master_eligibility":false}`))
	f.Add([]byte(`{"version":1,"error":0,"master":"m-1","master_identity":{"host":"a","port":1,"master_eligibility":true}}`))
	f.Add([]byte(`{"error":1}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := decodeIdentity(b); err == nil {
			again, err := decodeIdentity(encodeIdentity(a))
			if err != nil || again != a {
				t.Fatalf("identity %+v re-decoded as %+v, %v", a, again, err)
			}
		}
		if a, err := decodeAssignment(b, "m-1", 3); err == nil && a.Leader != nil && !a.Leader.Eligible {
			t.Fatalf("assignment %s names an ineligible leader", b)
		}
		w := elect([]candidate{parseCandidate("m-1", b), parseCandidate("m-2", []byte(`{"host":"b","port":2,"master_eligibility":true}`))}, nil)
		if w.Error == noError && w.Master == "" {
			t.Fatalf("an eligible member exists but no leader was elected for %s", b)
		}
	})
}
