package kafkagroup

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Assignment error codes, Confluent's SchemaRegistryProtocol.Assignment constants.
const (
	// noError is a normal election result.
	noError = 0
	// duplicateURLs means two members advertise the same URL, so forwarding could reach the
	// wrong instance; no member may lead until the advertised hosts are fixed.
	duplicateURLs = 1
)

// assignmentVersion is Confluent's Assignment.CURRENT_VERSION.
const assignmentVersion = 1

// Assignment is what every member learns after a rebalance.
type Assignment struct {
	Generation int32
	Leader     *Identity // nil: no eligible member (read-only cluster) or an error
	LeaderID   string    // Kafka member id of the leader, "" when none
	Self       bool      // this instance is the leader
	Error      int       // 0, or 1 = DUPLICATE_URLS
}

// clone returns a with its own copy of the leader, so callers cannot change the elector's view.
func (a Assignment) clone() Assignment {
	if a.Leader != nil {
		l := *a.Leader
		a.Leader = &l
	}
	return a
}

// equal reports whether a and b describe the same election result.
func (a Assignment) equal(b Assignment) bool {
	if (a.Leader == nil) != (b.Leader == nil) || (a.Leader != nil && *a.Leader != *b.Leader) {
		return false
	}
	a.Leader, b.Leader = nil, nil
	return a == b
}

// wireAssignment is the assignment JSON the Kafka group leader sends every member. Confluent's
// Jackson class is @JsonInclude(NON_EMPTY), so master and master_identity are left out when
// there is no leader, while version and error are always written.
type wireAssignment struct {
	Version        int           `json:"version"`
	Error          int           `json:"error"`
	Master         string        `json:"master,omitempty"`
	MasterIdentity *wireIdentity `json:"master_identity,omitempty"`
}

// peerAssignment is the assignment JSON as read from any group leader. Karapace writes no
// version; a null master_identity is the same as none.
type peerAssignment struct {
	Error          int             `json:"error"`
	Master         string          `json:"master"`
	MasterIdentity json.RawMessage `json:"master_identity"`
}

// errNoAssignment is returned for an empty SyncGroup assignment: the group leader gave this
// member nothing, so it cannot know the leader.
var errNoAssignment = errors.New("kafkagroup: empty assignment")

// decodeAssignment turns the assignment JSON this member received into an [Assignment]. On an
// error the result still carries the generation and no leader, and is safe to publish.
//
// The leader counts only if its identity says it is eligible: Karapace, finding no eligible
// member, names an ineligible one as master and expects readers to check, while Confluent
// leaves master out. A non-zero error code means no leader whatever master says, because
// Confluent writes the computed master even alongside DUPLICATE_URLS.
func decodeAssignment(b []byte, memberID string, gen int32) (Assignment, error) {
	a := Assignment{Generation: gen}
	if len(b) == 0 {
		return a, errNoAssignment
	}
	var p peerAssignment
	if err := json.Unmarshal(b, &p); err != nil {
		return a, fmt.Errorf("kafkagroup: assignment JSON: %w", err)
	}
	a.Error = p.Error
	if p.Error != noError || len(p.MasterIdentity) == 0 || string(p.MasterIdentity) == "null" {
		return a, nil
	}
	leader, err := decodeIdentity(p.MasterIdentity)
	if err != nil || !leader.Eligible {
		return a, err
	}
	a.Leader, a.LeaderID, a.Self = &leader.Identity, p.Master, p.Master == memberID
	return a, nil
}

// candidate is one group member as the Kafka group leader sees it in the JoinGroup response.
type candidate struct {
	memberID string
	id       announcement
	err      error // the metadata did not parse: the member cannot lead and is not compared
}

// parseCandidate reads one member's metadata.
func parseCandidate(memberID string, metadata []byte) candidate {
	id, err := decodeIdentity(metadata)
	return candidate{memberID: memberID, id: id, err: err}
}

// elect computes the assignment every member receives, as Confluent's
// SchemaRegistryCoordinator.onLeaderElected does without sticky election: the leader is the
// eligible member with the lexicographically smallest URL, and two members with the same URL
// set DUPLICATE_URLS. Like Confluent, the computed leader is still written next to that error.
//
// A member that eligible reports an error for is not eligible (nil: every member is).
func elect(cands []candidate, eligible func(Identity) error) wireAssignment {
	w := wireAssignment{Version: assignmentVersion}
	seen := make(map[string]bool, len(cands))
	var best *candidate
	for i := range cands {
		c := &cands[i]
		if c.err != nil {
			continue
		}
		key := c.id.electionKey()
		if seen[key] {
			w.Error = duplicateURLs
		}
		seen[key] = true
		if c.id.Eligible && (eligible == nil || eligible(c.id.Identity) == nil) && (best == nil || key < best.id.electionKey()) {
			best = c
		}
	}
	if best != nil {
		id := best.id.wire()
		w.Master, w.MasterIdentity = best.memberID, &id
	}
	return w
}
