package kafkagroup

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// trust decides which members may lead and be forwarded to. Group membership is a security
// boundary: a member announces its own URL, and the leader receives every forwarded write with
// the client's credentials. Kafka ACLs on the group are the first defence; trust is the second.
type trust struct {
	peers     []peer // empty: any member
	httpsOnly bool   // refuse a leader announcing http
}

// peer is one allowed instance; an empty scheme allows either.
type peer struct {
	scheme, host string
	port         int
}

// newTrust parses the allowed peers, each a URL (http://h:8081) or host:port. An instance that
// serves https, or lists an https peer, never forwards over plain http.
func newTrust(peerURLs []string, self Identity) (trust, error) {
	t := trust{httpsOnly: self.Scheme == "https"}
	for _, raw := range peerURLs {
		p, err := parsePeer(strings.TrimSpace(raw))
		if err != nil {
			return trust{}, err
		}
		t.httpsOnly = t.httpsOnly || p.scheme == "https"
		t.peers = append(t.peers, p)
	}
	return t, nil
}

func parsePeer(raw string) (peer, error) {
	if strings.Contains(raw, "://") {
		id, err := IdentityFromURL(raw, true)
		if err != nil {
			return peer{}, fmt.Errorf("kafkagroup: peer %q: %w", raw, err)
		}
		return peer{scheme: id.Scheme, host: id.Host, port: id.Port}, nil
	}
	host, port, err := net.SplitHostPort(raw)
	if err != nil {
		return peer{}, fmt.Errorf("kafkagroup: peer %q: want a URL or host:port", raw)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || host == "" {
		return peer{}, fmt.Errorf("kafkagroup: peer %q: want a URL or host:port", raw)
	}
	return peer{host: host, port: n}, nil
}

// allows returns why id may not lead, or nil.
func (t trust) allows(id Identity) error {
	if t.httpsOnly && id.Scheme != "https" {
		return fmt.Errorf("leader %s announces %s, but this instance only forwards over https", id.URL(), id.Scheme)
	}
	if len(t.peers) == 0 {
		return nil
	}
	for _, p := range t.peers {
		if strings.EqualFold(p.host, id.Host) && p.port == id.Port && (p.scheme == "" || p.scheme == id.Scheme) {
			return nil
		}
	}
	return fmt.Errorf("leader %s is not one of the allowed peers (--kafka-peer-urls)", id.URL())
}

// CheckLeader reports why writes must not be forwarded to url, the leader's URL as
// [Elector.Leader] returns it, or nil. The assignment may come from any member that the
// coordinator made Kafka group leader, so the API checks again before forwarding.
func (e *Elector) CheckLeader(url string) error {
	id, err := IdentityFromURL(url, true)
	if err != nil {
		return err
	}
	return e.trust.allows(id)
}
