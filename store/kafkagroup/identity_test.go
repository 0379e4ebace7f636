package kafkagroup

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIdentityJSONGolden(t *testing.T) {
	tests := []struct {
		in   announcement
		want string
	}{
		{
			announcement{Identity: Identity{Scheme: "http", Host: "sr-1.example", Port: 8081, Eligible: true}},
			`{"version":1,"host":"sr-1.example","port":8081,"master_eligibility":true,"scheme":"http","leader":false}`,
		},
		{
			announcement{Identity: Identity{Scheme: "https", Host: "h<&>", Port: 443}, Leader: true},
			`{"version":1,"host":"h<&>","port":443,"master_eligibility":false,"scheme":"https","leader":true}`,
		},
	}
	for _, tt := range tests {
		if got := string(encodeIdentity(tt.in)); got != tt.want {
			t.Errorf("encodeIdentity(%+v) =\n%s\nwant\n%s", tt.in, got, tt.want)
		}
	}
}

func TestDecodeIdentity(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    announcement
		wantErr bool
	}{
		{
			name: "Confluent, Jackson field order",
			in:   `{"host":"sr-1","port":8081,"master_eligibility":true,"scheme":"https","version":1,"leader":true}`,
			want: announcement{Identity: Identity{Scheme: "https", Host: "sr-1", Port: 8081, Eligible: true}, Leader: true},
		},
		{
			name: "Karapace v2 with unknown fields",
			in:   `{"version":2,"karapace_version":"4.1.0","host":"k","port":8081,"scheme":"http","master_eligibility":true}`,
			want: announcement{Identity: Identity{Scheme: "http", Host: "k", Port: 8081, Eligible: true}},
		},
		{
			name: "old Confluent without scheme or eligibility",
			in:   `{"version":1,"host":"old","port":8081}`,
			want: announcement{Identity: Identity{Scheme: "http", Host: "old", Port: 8081}},
		},
		{name: "no port", in: `{"host":"h","master_eligibility":true}`, wantErr: true},
		{name: "no host", in: `{"port":1,"master_eligibility":true}`, wantErr: true},
		{name: "port as string", in: `{"host":"h","port":"8081"}`, wantErr: true},
		{name: "not JSON", in: `consumer-protocol-bytes`, wantErr: true},
		{name: "null", in: `null`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeIdentity([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("decodeIdentity(%s) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
				t.Errorf("decodeIdentity(%s) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestIdentityFromURL(t *testing.T) {
	tests := []struct {
		in      string
		want    Identity
		wantURL string
		wantErr bool
	}{
		{in: "http://h:8081", want: Identity{Scheme: "http", Host: "h", Port: 8081, Eligible: true}, wantURL: "http://h:8081"},
		{in: "http://h", want: Identity{Scheme: "http", Host: "h", Port: 80, Eligible: true}, wantURL: "http://h:80"},
		{in: "https://h/", want: Identity{Scheme: "https", Host: "h", Port: 443, Eligible: true}, wantURL: "https://h:443"},
		{in: "HTTP://H:1", want: Identity{Scheme: "http", Host: "H", Port: 1, Eligible: true}, wantURL: "http://H:1"},
		{in: "http://[::1]:8081", want: Identity{Scheme: "http", Host: "::1", Port: 8081, Eligible: true}, wantURL: "http://[::1]:8081"},
		{in: "ftp://h:21", wantErr: true},
		{in: "http://:8081", wantErr: true},
		{in: "http://h:0", wantErr: true},
		{in: "http://h:65536", wantErr: true},
		{in: "http://h:8081/api", wantErr: true},
		{in: "http://u:p@h:8081", wantErr: true},
		{in: "h:8081", wantErr: true},
		{in: "://", wantErr: true},
	}
	for _, tt := range tests {
		got, err := IdentityFromURL(tt.in, true)
		if (err != nil) != tt.wantErr {
			t.Errorf("IdentityFromURL(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		if got != tt.want || got.URL() != tt.wantURL {
			t.Errorf("IdentityFromURL(%q) = %+v (URL %q), want %+v (URL %q)", tt.in, got, got.URL(), tt.want, tt.wantURL)
		}
	}
}

// TestElectionKeyMatchesConfluent pins the string the election compares to Confluent's
// "%s://%s:%d", which leaves IPv6 hosts unbracketed, unlike [Identity.URL].
func TestElectionKeyMatchesConfluent(t *testing.T) {
	id := Identity{Scheme: "http", Host: "::1", Port: 8081}
	if got, want := id.electionKey(), "http://::1:8081"; got != want {
		t.Errorf("electionKey() = %q, want %q", got, want)
	}
}
