package api

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// vettingLeadership is a leader election that also vets leaders, as the Kafka elector does
// with --kafka-peer-urls: it refuses every leader.
type vettingLeadership struct{ fakeLeadership }

func (l *vettingLeadership) CheckLeader(url string) error {
	return errors.New("leader " + url + " is not in --kafka-peer-urls")
}

// TestForwardRefusesUnvettedLeader: a write is never sent to a leader the election refuses
// (a rogue member of the group): the client's credentials stay here, and the answer is
// 50003 naming the refused leader.
func TestForwardRefusesUnvettedLeader(t *testing.T) {
	var hits atomic.Int64
	rogue := serveHTTP(t, counting(http.NotFoundHandler(), &hits))
	l := &vettingLeadership{}
	l.set(rogue.URL, false)
	follower := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t), Leadership: l}))
	got, _ := do(t, "POST", follower.URL+"/subjects/s/versions", schemaInt, http.Header{"Authorization": {"Basic YWxpY2U6YWxpY2Vwdw=="}})
	want := errorAnswer(500, 50003, "Error while forwarding register schema request to the leader: leader "+rogue.URL+" is not in --kafka-peer-urls")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the refused leader received %d requests", n)
	}
}
