package kafkagroup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
)

// identityVersion is the version Accord writes in identity JSON, Confluent's
// SchemaRegistryIdentity.CURRENT_VERSION. Karapace writes 2; readers ignore the field.
const identityVersion = 1

// Identity is how a registry instance describes itself to the group (Confluent's member
// metadata): where the others forward writes when it leads, and whether it may lead at all.
type Identity struct {
	Scheme   string // "http" or "https"
	Host     string
	Port     int
	Eligible bool // master_eligibility
}

// URL returns scheme://host:port, the address other instances forward writes to. An IPv6
// host is bracketed; the election order uses the unbracketed form (see [Identity.electionKey]).
func (id Identity) URL() string {
	return id.Scheme + "://" + net.JoinHostPort(id.Host, strconv.Itoa(id.Port))
}

// electionKey is the string the election compares: Confluent's getUrl() and Karapace's
// get_member_url() both format "%s://%s:%d" without bracketing IPv6 hosts, so a mixed group
// orders and de-duplicates members only if Accord builds exactly the same string.
func (id Identity) electionKey() string {
	return fmt.Sprintf("%s://%s:%d", id.Scheme, id.Host, id.Port)
}

// IdentityFromURL parses an advertised listener such as "http://h:8081". The port defaults to
// 80 for http and 443 for https; a path other than "/", a query or user info is refused
// because other instances could not forward to it.
func IdentityFromURL(rawURL string, eligible bool) (Identity, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Identity{}, fmt.Errorf("kafkagroup: identity URL: %w", err)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return Identity{}, fmt.Errorf("kafkagroup: identity URL %q: want scheme://host[:port] only", rawURL)
	}
	id := Identity{Scheme: u.Scheme, Host: u.Hostname(), Eligible: eligible}
	id.Port, err = urlPort(u)
	if err != nil {
		return Identity{}, fmt.Errorf("kafkagroup: identity URL %q: %w", rawURL, err)
	}
	return id, id.validate()
}

// urlPort returns u's port, or the scheme's default when it has none.
func urlPort(u *url.URL) (int, error) {
	if p := u.Port(); p != "" {
		return strconv.Atoi(p)
	}
	if u.Scheme == "https" {
		return 443, nil
	}
	return 80, nil
}

// validate reports whether other instances could forward to id.
func (id Identity) validate() error {
	switch {
	case id.Scheme != "http" && id.Scheme != "https":
		return fmt.Errorf("kafkagroup: identity scheme %q: want http or https", id.Scheme)
	case id.Host == "":
		return errors.New("kafkagroup: identity has no host")
	case id.Port < 1 || id.Port > 65535:
		return fmt.Errorf("kafkagroup: identity port %d out of range", id.Port)
	}
	return nil
}

// announcement is an [Identity] as a member put it in the group: with its claim to be the
// current leader, which Confluent's sticky election (leader.election.sticky) honours.
type announcement struct {
	Identity
	Leader bool
}

// wireIdentity is the identity JSON Accord writes. The field order is Accord's choice; Jackson
// writes Confluent's creator properties first (host, port, master_eligibility, scheme, then
// version, leader), and no reader depends on the order.
type wireIdentity struct {
	Version  int    `json:"version"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Eligible bool   `json:"master_eligibility"`
	Scheme   string `json:"scheme"`
	Leader   bool   `json:"leader"`
}

// peerIdentity is the identity JSON as read from any member. Fields are pointers so that a
// missing required field is told apart from a zero value; unknown fields (Karapace's
// karapace_version) are ignored, as Confluent's @JsonIgnoreProperties(ignoreUnknown) does.
type peerIdentity struct {
	Host     *string `json:"host"`
	Port     *int    `json:"port"`
	Eligible *bool   `json:"master_eligibility"`
	Scheme   *string `json:"scheme"`
	Leader   *bool   `json:"leader"`
}

func (a announcement) wire() wireIdentity {
	return wireIdentity{
		Version:  identityVersion,
		Host:     a.Host,
		Port:     a.Port,
		Eligible: a.Eligible,
		Scheme:   a.Scheme,
		Leader:   a.Leader,
	}
}

// encodeIdentity returns the member metadata Accord sends in JoinGroup.
func encodeIdentity(a announcement) []byte {
	return marshal(a.wire())
}

// decodeIdentity reads a member's metadata. Host and port are required; a missing scheme is
// "http" (Confluent's declared default) and a missing master_eligibility or leader is false,
// so a member that does not say it may lead never leads.
func decodeIdentity(b []byte) (announcement, error) {
	var p peerIdentity
	if err := json.Unmarshal(b, &p); err != nil {
		return announcement{}, fmt.Errorf("kafkagroup: identity JSON: %w", err)
	}
	if p.Host == nil || p.Port == nil {
		return announcement{}, errors.New("kafkagroup: identity JSON lacks host or port")
	}
	a := announcement{Identity: Identity{Scheme: "http", Host: *p.Host, Port: *p.Port}}
	if p.Scheme != nil {
		a.Scheme = *p.Scheme
	}
	a.Eligible = p.Eligible != nil && *p.Eligible
	a.Leader = p.Leader != nil && *p.Leader
	return a, nil
}

// marshal encodes v without Go's HTML escaping, as Jackson and Python's json do. The values
// passed are plain structs of strings, numbers and booleans, which cannot fail to encode.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
