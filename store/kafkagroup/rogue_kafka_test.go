package kafkagroup

import (
	"fmt"
	"strings"
	"testing"
)

// rogueIdentity is what the 2026-12 review's rogue member announced: an eligible member whose
// URL sorts before every real instance's.
const rogueIdentity = `{"version":1,"host":"0rogue","port":18081,"master_eligibility":true,"scheme":"http","leader":false}`

// TestKafkaRogueMemberNotElected: with --kafka-peer-urls, a member that joins the group by hand
// announcing a smaller URL is not elected by an Accord group leader, and every member, the
// rogue included, is told the allowed leader.
func TestKafkaRogueMemberNotElected(t *testing.T) {
	h := newHarness(t)
	peers := []string{"http://a:1", "http://b:2"}
	a := h.startWith("http://a:1", true, peers)
	waitFor(t, "a joined", func() error {
		if a.e.Current().Generation <= 0 {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	// a joined first, so the coordinator keeps it as Kafka group leader: it computes the
	// assignment for the rogue too.
	rogue := h.startRaw(rogueIdentity)
	b := h.startWith("http://b:2", true, peers)
	waitFor(t, "agreement on http://a:1", agreeOn("http://a:1", a, b))
	waitRaw(t, rogue, func(_ string, gen int32, asg []byte) error {
		if gen != a.e.Current().Generation {
			return fmt.Errorf("rogue holds generation %d", gen)
		}
		if strings.Contains(string(asg), "0rogue") || !strings.Contains(string(asg), `"host":"a"`) {
			return fmt.Errorf("rogue's assignment %s", asg)
		}
		return nil
	})
}

// TestKafkaRogueLeaderRefused: when the rogue itself is the Kafka group leader it assigns the
// leadership to itself, and Accord instances learn that assignment, but they refuse to
// forward to it: CheckLeader fails naming it.
func TestKafkaRogueLeaderRefused(t *testing.T) {
	h := newHarness(t)
	rogue := h.startRaw(rogueIdentity)
	waitRaw(t, rogue, func(string, int32, []byte) error { return nil })
	a := h.startWith("http://a:1", true, []string{"http://a:1"})
	waitFor(t, "a learns the rogue's assignment", func() error {
		url, self := a.e.Leader()
		if url != "http://0rogue:18081" || self {
			return fmt.Errorf("a sees leader %q, self %v", url, self)
		}
		return nil
	})
	url, _ := a.e.Leader()
	if err := a.e.CheckLeader(url); err == nil || !strings.Contains(err.Error(), "0rogue") {
		t.Errorf("CheckLeader(%s) = %v, want a refusal naming it", url, err)
	}
}
