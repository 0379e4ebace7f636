package kafkagroup

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckLeader(t *testing.T) {
	for _, tc := range []struct {
		self   string
		peers  []string
		leader string
		refuse string // "" allowed, else a part of the error
	}{
		{"http://a:1", nil, "http://evil:18081", ""},
		{"http://a:1", []string{"http://a:1", "b:2"}, "http://a:1", ""},
		{"http://a:1", []string{"http://a:1", "b:2"}, "http://B:2", ""},
		{"http://a:1", []string{"http://a:1", "b:2"}, "http://evil:18081", "not one of the allowed peers"},
		{"http://a:1", []string{"http://a:1"}, "https://a:1", "not one of the allowed peers"},
		{"https://a:1", nil, "http://b:2", "only forwards over https"},
		{"https://a:1", []string{"b:2"}, "http://b:2", "only forwards over https"},
		{"http://a:1", []string{"https://b:2", "c:3"}, "http://c:3", "only forwards over https"},
		{"http://a:1", []string{"https://b:2", "c:3"}, "https://c:3", ""},
	} {
		self, err := IdentityFromURL(tc.self, true)
		if err != nil {
			t.Fatal(err)
		}
		e, err := New(Config{Client: unreachableClient(t), Self: self, PeerURLs: tc.peers})
		if err != nil {
			t.Fatal(err)
		}
		err = e.CheckLeader(tc.leader)
		if tc.refuse == "" && err != nil || tc.refuse != "" && (err == nil || !strings.Contains(err.Error(), tc.refuse) || !strings.Contains(err.Error(), tc.leader)) {
			t.Errorf("self %s peers %v: CheckLeader(%s) = %v, want %q", tc.self, tc.peers, tc.leader, err, tc.refuse)
		}
	}
}

func TestNewRefusesBadPeers(t *testing.T) {
	for _, bad := range []string{"nohost", "h:0", "ftp://h:1", "http://h:1/path", ":8081"} {
		if _, err := New(Config{Client: unreachableClient(t), Self: Identity{Host: "a", Port: 1}, PeerURLs: []string{bad}}); err == nil {
			t.Errorf("peer %q accepted", bad)
		}
	}
}

// TestElectSkipsMembersNotAllowed: with an allowlist, the smallest URL loses to the allowed
// member, and with no allowed eligible member no one leads.
func TestElectSkipsMembersNotAllowed(t *testing.T) {
	tr, err := newTrust([]string{"http://b:2"}, Identity{Scheme: "http", Host: "b", Port: 2})
	if err != nil {
		t.Fatal(err)
	}
	cands := []candidate{
		parseCandidate("rogue", []byte(`{"host":"a","port":1,"master_eligibility":true,"scheme":"http"}`)),
		parseCandidate("good", []byte(`{"host":"b","port":2,"master_eligibility":true,"scheme":"http"}`)),
	}
	if w := elect(cands, tr.allows); w.Master != "good" {
		t.Errorf("elected %q, want good", w.Master)
	}
	if w := elect(cands[:1], tr.allows); w.Master != "" || w.MasterIdentity != nil {
		b, _ := json.Marshal(w)
		t.Errorf("elected %s, want no leader", b)
	}
}
