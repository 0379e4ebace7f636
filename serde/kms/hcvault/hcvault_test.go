package hcvault

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/internal/kmstest"
	ckhcvault "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/hcvault"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// baoServer is OpenBao's dev server (Vault's API, in memory, unsealed, root token "root")
// with the transit engine mounted, stopped when the test ends.
func baoServer(t *testing.T) string {
	t.Helper()
	url := kmstest.Start(t, kmstest.Server{Program: "bao", What: "OpenBao (a Vault server)",
		Args: func(addr string) []string {
			return []string{"server", "-dev", "-dev-root-token-id=root", "-dev-listen-address=" + addr}
		},
		Ready: func(url string) bool {
			resp, err := http.Get(url + "/v1/sys/health")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		}})
	admin(t, url, "sys/mounts/transit", `{"type":"transit"}`)
	return url
}

// admin sends a request with the root token.
func admin(t *testing.T, url, path, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/v1/"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Vault-Token", "root")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b.String())
	}
	return b.Bytes()
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

var dek = append([]byte{0x1a, 0x20}, bytes.Repeat([]byte{7}, 32)...)

// TestTransitRoundTrip wraps a DEK with a transit key (token from the configuration, then
// from VAULT_TOKEN, then from an AppRole login) and unwraps it; a wrong token is refused
// with kms.ErrAccessDenied.
func TestTransitRoundTrip(t *testing.T) {
	url := baoServer(t)
	admin(t, url, "transit/keys/orders", `{}`)
	keyID := url + "/transit/keys/orders"
	a, err := New().AEAD(context.Background(), keyID, map[string]string{TokenID: "root"})
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := a.Encrypt(dek, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(wrapped, []byte("vault:v1:")) {
		t.Errorf("wrapped DEK %q is not a transit ciphertext", wrapped)
	}
	unwrap := func(t *testing.T, conf map[string]string) {
		t.Helper()
		a, err := New().AEAD(context.Background(), keyID, conf)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := a.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
			t.Fatalf("Decrypt = %x, %v", got, err)
		}
	}
	unwrap(t, map[string]string{TokenID: "root"})

	t.Run("environment", func(t *testing.T) {
		t.Setenv("VAULT_TOKEN", "root")
		unwrap(t, nil)
	})
	t.Run("approle", func(t *testing.T) {
		admin(t, url, "sys/auth/approle", `{"type":"approle"}`)
		admin(t, url, "sys/policies/acl/wrap", `{"policy":"path \"transit/*\" { capabilities = [\"update\"] }"}`)
		admin(t, url, "auth/approle/role/enc", `{"token_policies":["wrap"]}`)
		var role struct {
			Data struct {
				RoleID string `json:"role_id"`
			}
		}
		var secret struct {
			Data struct {
				SecretID string `json:"secret_id"`
			}
		}
		json.Unmarshal(adminGet(t, url, "auth/approle/role/enc/role-id"), &role)
		json.Unmarshal(admin(t, url, "auth/approle/role/enc/secret-id", `{}`), &secret)
		unwrap(t, map[string]string{AppRoleRoleID: role.Data.RoleID, AppRoleSecretID: secret.Data.SecretID})
	})
	t.Run("denied", func(t *testing.T) {
		a, err := New().AEAD(context.Background(), keyID, map[string]string{TokenID: "wrong"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Decrypt(wrapped, nil); !errors.Is(err, kms.ErrAccessDenied) {
			t.Fatalf("Decrypt with a wrong token: %v, want kms.ErrAccessDenied", err)
		}
	})
}

func adminGet(t *testing.T, url, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/v1/"+path, nil)
	req.Header.Set("X-Vault-Token", "root")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return b.Bytes()
}

// TestParseKeyID: the address, mount and key of a key URL, https when no scheme is given.
func TestParseKeyID(t *testing.T) {
	for id, want := range map[string][3]string{
		"http://127.0.0.1:8200/transit/keys/k1":      {"http://127.0.0.1:8200", "transit", "k1"},
		"vault.example.com:8200/ns/transit/keys/k-2": {"https://vault.example.com:8200", "ns/transit", "k-2"},
	} {
		addr, mount, key, err := parseKeyID(id)
		if err != nil || [3]string{addr, mount, key} != want {
			t.Errorf("parseKeyID(%q) = %q %q %q, %v; want %q", id, addr, mount, key, err, want)
		}
	}
	for _, id := range []string{"http://vault:8200/transit/k1", "http://vault:8200/keys/k1", "http://vault:8200/transit/keys/", ""} {
		if _, _, _, err := parseKeyID(id); err == nil {
			t.Errorf("parseKeyID(%q) accepted", id)
		}
	}
}

// TestConfluentGoInterop wraps with this driver and unwraps with confluent-kafka-go's Vault
// AEAD (Tink's), and the reverse.
func TestConfluentGoInterop(t *testing.T) {
	url := baoServer(t)
	admin(t, url, "transit/keys/interop", `{}`)
	keyID := url + "/transit/keys/interop"
	ours, err := New().AEAD(context.Background(), keyID, map[string]string{TokenID: "root"})
	if err != nil {
		t.Fatal(err)
	}
	client, err := ckhcvault.NewClient("hcvault://"+keyID, nil, "", "root")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := client.GetAEAD("hcvault://" + keyID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name         string
		wrap, unwrap tink.AEAD
	}{{"ours to theirs", ours, theirs}, {"theirs to ours", theirs, ours}} {
		wrapped, err := c.wrap.Encrypt(dek, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got, err := c.unwrap.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
			t.Errorf("%s: unwrapped %x, %v", c.name, got, err)
		}
	}
}
