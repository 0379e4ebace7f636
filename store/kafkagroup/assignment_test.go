package kafkagroup

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// member metadata used by the election tests.
const (
	metaA9     = `{"version":1,"host":"a","port":9,"master_eligibility":true,"scheme":"http","leader":false}`
	metaB1     = `{"host":"b","port":1,"master_eligibility":true,"scheme":"http","version":1,"leader":false}`
	metaC3     = `{"version":2,"karapace_version":"4.1.0","host":"c","port":3,"scheme":"http","master_eligibility":true}`
	metaA1Nope = `{"version":1,"host":"a","port":1,"master_eligibility":false,"scheme":"http","leader":false}`
	metaB1Copy = `{"version":1,"host":"b","port":1,"master_eligibility":false,"scheme":"http","leader":true}`
)

func TestElectGolden(t *testing.T) {
	tests := []struct {
		name    string
		members [][2]string // member id, metadata
		want    string
	}{
		{
			name:    "smallest eligible URL leads",
			members: [][2]string{{"m-c", metaC3}, {"m-a", metaA9}, {"m-b", metaB1}},
			want:    `{"version":1,"error":0,"master":"m-a","master_identity":{"version":1,"host":"a","port":9,"master_eligibility":true,"scheme":"http","leader":false}}`,
		},
		{
			name:    "ineligible smallest is skipped",
			members: [][2]string{{"m-1", metaA1Nope}, {"m-3", metaC3}},
			want:    `{"version":1,"error":0,"master":"m-3","master_identity":{"version":1,"host":"c","port":3,"master_eligibility":true,"scheme":"http","leader":false}}`,
		},
		{
			name:    "no eligible member",
			members: [][2]string{{"m-1", metaA1Nope}},
			want:    `{"version":1,"error":0}`,
		},
		{
			name:    "unreadable metadata cannot lead",
			members: [][2]string{{"m-x", `{"host":"0","port":1,"master_eligibility":true`}, {"m-1", metaA1Nope}},
			want:    `{"version":1,"error":0}`,
		},
		{
			// Confluent still names the leader next to the error; readers ignore it.
			name:    "duplicate URLs, one of them ineligible",
			members: [][2]string{{"m-b", metaB1}, {"m-a", metaA9}, {"m-b2", metaB1Copy}},
			want:    `{"version":1,"error":1,"master":"m-a","master_identity":{"version":1,"host":"a","port":9,"master_eligibility":true,"scheme":"http","leader":false}}`,
		},
		{
			name:    "leader claim is echoed",
			members: [][2]string{{"m-b2", metaB1Copy}, {"m-c", metaC3}, {"m-c2", `{"host":"b","port":2,"master_eligibility":true,"scheme":"http","leader":true}`}},
			want:    `{"version":1,"error":0,"master":"m-c2","master_identity":{"version":1,"host":"b","port":2,"master_eligibility":true,"scheme":"http","leader":true}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cands []candidate
			for _, m := range tt.members {
				cands = append(cands, parseCandidate(m[0], []byte(m[1])))
			}
			if got := string(marshal(elect(cands, nil))); got != tt.want {
				t.Errorf("elect =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestDecodeAssignment(t *testing.T) {
	a9 := &Identity{Scheme: "http", Host: "a", Port: 9, Eligible: true}
	tests := []struct {
		name    string
		in      string
		want    Assignment
		wantErr bool
	}{
		{
			name: "Accord",
			in:   `{"version":1,"error":0,"master":"me","master_identity":` + metaA9 + `}`,
			want: Assignment{Generation: 7, Leader: a9, LeaderID: "me", Self: true},
		},
		{
			name: "Confluent, Jackson field order",
			in:   `{"error":0,"master":"other","master_identity":{"host":"a","port":9,"master_eligibility":true,"scheme":"http","version":1,"leader":false},"version":1}`,
			want: Assignment{Generation: 7, Leader: a9, LeaderID: "other"},
		},
		{
			name: "Karapace",
			in:   `{"master":"other","master_identity":{"version":2,"karapace_version":"4.1.0","host":"a","port":9,"scheme":"http","master_eligibility":true},"error":0}`,
			want: Assignment{Generation: 7, Leader: a9, LeaderID: "other"},
		},
		{
			name: "Karapace names an ineligible master when none is eligible",
			in:   `{"master":"me","master_identity":{"version":2,"host":"a","port":9,"scheme":"http","master_eligibility":false},"error":0}`,
			want: Assignment{Generation: 7},
		},
		{
			name: "no leader",
			in:   `{"version":1,"error":0}`,
			want: Assignment{Generation: 7},
		},
		{
			name: "null leader",
			in:   `{"version":1,"error":0,"master":null,"master_identity":null}`,
			want: Assignment{Generation: 7},
		},
		{
			name: "duplicate URLs with a computed master",
			in:   `{"version":1,"error":1,"master":"me","master_identity":` + metaA9 + `}`,
			want: Assignment{Generation: 7, Error: duplicateURLs},
		},
		{
			name: "future fields",
			in:   `{"version":3,"error":0,"master":"me","master_identity":` + metaA9 + `,"epoch":4}`,
			want: Assignment{Generation: 7, Leader: a9, LeaderID: "me", Self: true},
		},
		{name: "unreadable leader", in: `{"error":0,"master":"me","master_identity":{"host":"a"}}`, want: Assignment{Generation: 7}, wantErr: true},
		{name: "not JSON", in: `{`, want: Assignment{Generation: 7}, wantErr: true},
		{name: "empty", in: ``, want: Assignment{Generation: 7}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeAssignment([]byte(tt.in), "me", 7)
			if (err != nil) != tt.wantErr {
				t.Fatalf("decodeAssignment(%s) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decodeAssignment(%s) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
	if _, err := decodeAssignment(nil, "me", 1); !errors.Is(err, errNoAssignment) {
		t.Errorf("decodeAssignment(nil) error = %v, want errNoAssignment", err)
	}
}

// TestAssignmentRoundTrip decodes what elect writes, as every member does after SyncGroup.
func TestAssignmentRoundTrip(t *testing.T) {
	cands := []candidate{parseCandidate("m-b", []byte(metaB1)), parseCandidate("m-a", []byte(metaA9))}
	b := marshal(elect(cands, nil))
	for _, c := range cands {
		a, err := decodeAssignment(b, c.memberID, 3)
		if err != nil {
			t.Fatal(err)
		}
		if url, self := leaderOf(a); url != "http://a:9" || self != (c.memberID == "m-a") || a.LeaderID != "m-a" {
			t.Errorf("member %s reads %+v", c.memberID, a)
		}
	}
}

func TestAssignmentEqualAndClone(t *testing.T) {
	x := Assignment{Generation: 2, Leader: &Identity{Scheme: "http", Host: "a", Port: 1}, LeaderID: "m"}
	y := x.clone()
	if !x.equal(y) || y.Leader == x.Leader {
		t.Fatalf("clone %+v of %+v: equal %v, shares leader %v", y, x, x.equal(y), y.Leader == x.Leader)
	}
	y.Leader.Port = 2
	if x.equal(y) || x.equal(Assignment{Generation: 2, LeaderID: "m"}) || !(Assignment{}).equal(Assignment{}) {
		t.Error("equal ignores the leader's identity")
	}
}
