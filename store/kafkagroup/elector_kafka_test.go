package kafkagroup

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestKafkaElectSmallestURL(t *testing.T) {
	h := newHarness(t)
	c, a, b := h.start("http://c:3", true), h.start("http://a:9", true), h.start("http://b:1", true)
	took := waitFor(t, "agreement on http://a:9", agreeOn("http://a:9", a, b, c))
	t.Logf("three members agreed in %v", took)
	if url, self := a.e.Leader(); url != "http://a:9" || !self {
		t.Errorf("leader's Leader() = %q, %v; want http://a:9, true", url, self)
	}
	if url, self := b.e.Leader(); url != "http://a:9" || self {
		t.Errorf("follower's Leader() = %q, %v; want http://a:9, false", url, self)
	}
}

func TestKafkaIneligibleSmallestSkipped(t *testing.T) {
	h := newHarness(t)
	nodes := []*node{h.start("http://a:1", false), h.start("http://b:2", true), h.start("http://c:3", true)}
	waitFor(t, "agreement on http://b:2", agreeOn("http://b:2", nodes...))
}

func TestKafkaNoEligibleMember(t *testing.T) {
	h := newHarness(t)
	nodes := []*node{h.start("http://a:1", false), h.start("http://b:2", false)}
	waitFor(t, "agreement on no leader", agreeOn("", nodes...))
	for _, n := range nodes {
		if a := n.e.Current(); a.LeaderID != "" {
			t.Errorf("%s: LeaderID = %q, want none", n.url, a.LeaderID)
		}
	}
}

func TestKafkaDuplicateURLs(t *testing.T) {
	h := newHarness(t)
	nodes := []*node{h.start("http://a:1", true), h.start("http://a:1", true), h.start("http://b:2", true)}
	waitFor(t, "DUPLICATE_URLS everywhere", func() error {
		gen := nodes[0].e.Current().Generation
		for _, n := range nodes {
			a := n.e.Current()
			if a.Generation <= 0 || a.Generation != gen || a.Error != duplicateURLs || a.Leader != nil || a.Self || a.LeaderID != "" {
				return fmt.Errorf("%s holds %+v", n.url, a)
			}
		}
		return nil
	})
}

func TestKafkaLeaderLeaves(t *testing.T) {
	h := newHarness(t)
	a, b, c := h.start("http://a:1", true), h.start("http://b:2", true), h.start("http://c:3", true)
	waitFor(t, "agreement on http://a:1", agreeOn("http://a:1", a, b, c))

	start := time.Now()
	a.stop()
	if url, self := a.e.Leader(); url != "" || self {
		t.Errorf("stopped leader's Leader() = %q, %v; want none", url, self)
	}
	if evs := a.history(); len(evs) == 0 || evs[len(evs)-1].a.Self {
		t.Errorf("stopped leader's OnChange calls end claiming leadership: %+v", evs)
	}
	waitFor(t, "agreement on http://b:2", agreeOn("http://b:2", b, c))
	took := time.Since(start)
	t.Logf("re-elected %v after the leader's context was cancelled (LeaveGroup)", took)
	if took >= testSession {
		t.Errorf("re-election took %v, no faster than the session timeout %v: LeaveGroup had no effect", took, testSession)
	}
}

// TestKafkaLeaderSessionExpires cuts the leader off from Kafka without a LeaveGroup. The
// others may elect a new leader only after the session timeout, and the cut-off leader must
// have stepped down by then.
func TestKafkaLeaderSessionExpires(t *testing.T) {
	h := newHarness(t)
	a, b, c := h.start("http://a:1", true), h.start("http://b:2", true), h.start("http://c:3", true)
	waitFor(t, "agreement on http://a:1", agreeOn("http://a:1", a, b, c))

	cut := time.Now()
	a.closeClient()
	waitFor(t, "agreement on http://b:2", agreeOn("http://b:2", b, c))
	stepped, elected := firstEvent(a, cut, false), firstEvent(b, cut, true)
	if stepped.IsZero() || elected.IsZero() {
		t.Fatalf("cut-off leader stepped down at %v, new leader elected at %v", stepped, elected)
	}
	if !stepped.Before(elected) {
		t.Errorf("cut-off leader stepped down %v after the new leader was elected", stepped.Sub(elected))
	}
	if d := elected.Sub(cut); d < testSession/2 {
		t.Errorf("new leader elected %v after the cut, before the session timeout %v could expire", d, testSession)
	}
	t.Logf("cut-off leader stepped down after %v; re-elected after %v (session timeout %v)",
		stepped.Sub(cut), elected.Sub(cut), testSession)
}

// firstEvent returns when n's OnChange first reported Self == self after from, or the zero
// time if it has not.
func firstEvent(n *node, from time.Time, self bool) time.Time {
	for _, ev := range n.history() {
		if !ev.at.Before(from) && ev.a.Self == self {
			return ev.at
		}
	}
	return time.Time{}
}

// TestKafkaKarapaceMemberTakesPart adds a member that speaks like Karapace (identity version 2
// with karapace_version and no leader field). Its URL is the smallest, so it leads.
func TestKafkaKarapaceMemberTakesPart(t *testing.T) {
	h := newHarness(t)
	b, c := h.start("http://b:2", true), h.start("http://c:3", true)
	waitFor(t, "agreement on http://b:2", agreeOn("http://b:2", b, c))

	k := h.startRaw(`{"version":2,"karapace_version":"4.1.0","host":"a","port":1,"scheme":"http","master_eligibility":true}`)
	waitFor(t, "agreement on the Karapace member", agreeOn("http://a:1", b, c))
	waitRaw(t, k, func(id string, gen int32, raw []byte) error {
		if cur := b.e.Current(); gen != cur.Generation || cur.LeaderID != id {
			return fmt.Errorf("raw member %q holds generation %d; Accord holds %d led by %q", id, gen, cur.Generation, cur.LeaderID)
		}
		a, err := decodeAssignment(raw, id, gen)
		if err != nil || !a.Self || a.Leader.URL() != "http://a:1" {
			return fmt.Errorf("Karapace member decodes %s as %+v, %v", raw, a, err)
		}
		return nil
	})
}

// TestKafkaConfluentMemberReceivesAssignment adds an ineligible member that speaks like
// Confluent (Jackson's field order) and checks the exact assignment bytes it receives.
func TestKafkaConfluentMemberReceivesAssignment(t *testing.T) {
	h := newHarness(t)
	a := h.start("http://a:1", true)
	waitFor(t, "http://a:1 to lead alone", agreeOn("http://a:1", a))

	cf := h.startRaw(`{"host":"z","port":9,"master_eligibility":false,"scheme":"http","version":1,"leader":false}`)
	waitRaw(t, cf, func(_ string, gen int32, raw []byte) error {
		cur := a.e.Current()
		if gen != cur.Generation || !cur.Self {
			return fmt.Errorf("raw member holds generation %d, Accord %d (self %v)", gen, cur.Generation, cur.Self)
		}
		want := `{"version":1,"error":0,"master":` + quote(cur.LeaderID) +
			`,"master_identity":{"version":1,"host":"a","port":1,"master_eligibility":true,"scheme":"http","leader":true}}`
		if string(raw) != want {
			return fmt.Errorf("assignment =\n%s\nwant\n%s", raw, want)
		}
		return nil
	})
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
