// Package hcvault is the "hcvault" driver: KEKs that are keys of a HashiCorp Vault (or
// OpenBao) transit secrets engine. The kmsKeyId is the key's URL: the Vault address and the
// key's path, http://vault:8200/transit/keys/orders (https when no scheme is given).
//
// It speaks the transit engine's HTTP API directly (encrypt and decrypt, and AppRole login)
// rather than through Vault's Go client, and sends what Tink's Vault AEAD sends, which
// Confluent's clients use, so a wrapped DEK is the same "vault:v1:..." ciphertext whichever
// client wrapped it. Configuration keys and environment variables are Confluent's.
package hcvault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/tink-crypto/tink-go/v2/tink"
)

// Type is the kmsType this driver serves.
const Type = "hcvault"

// The rule configuration keys the driver reads, as Confluent's HcVaultKmsDriver names them;
// each falls back to its environment variable (VAULT_TOKEN, VAULT_NAMESPACE,
// VAULT_APPROLE_ROLE_ID, VAULT_APPROLE_SECRET_ID).
const (
	TokenID         = "token.id"
	Namespace       = "namespace"
	AppRoleRoleID   = "approle.role.id"
	AppRoleSecretID = "approle.secret.id"
)

// Driver opens Vault transit keys. Its HTTP client may be replaced (for TLS settings); nil
// means one with a 30-second timeout.
type Driver struct {
	HTTPClient *http.Client
}

// New returns the hcvault driver.
func New() *Driver { return &Driver{} }

// Type returns "hcvault".
func (*Driver) Type() string { return Type }

// AEAD returns the transit key kmsKeyID names. With an AppRole in the configuration it logs
// in first, and uses the token the login returns.
func (d *Driver) AEAD(ctx context.Context, kmsKeyID string, conf map[string]string) (tink.AEAD, error) {
	addr, mount, key, err := parseKeyID(kmsKeyID)
	if err != nil {
		return nil, err
	}
	c := &client{http: d.httpClient(), addr: addr,
		token:     setting(conf, TokenID, "VAULT_TOKEN"),
		namespace: setting(conf, Namespace, "VAULT_NAMESPACE")}
	roleID, secretID := setting(conf, AppRoleRoleID, "VAULT_APPROLE_ROLE_ID"), setting(conf, AppRoleSecretID, "VAULT_APPROLE_SECRET_ID")
	if roleID != "" && secretID != "" {
		if c.token, err = c.login(ctx, roleID, secretID); err != nil {
			return nil, err
		}
	}
	return &aead{ctx: ctx, c: c, encrypt: mount + "/encrypt/" + key, decrypt: mount + "/decrypt/" + key}, nil
}

func (d *Driver) httpClient() *http.Client {
	if d.HTTPClient != nil {
		return d.HTTPClient
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// setting reads a configuration key, else its environment variable.
func setting(conf map[string]string, key, env string) string {
	if v, ok := conf[key]; ok {
		return v
	}
	return os.Getenv(env)
}

// parseKeyID splits a key URL, http://host:8200/<mount>/keys/<name>, into the Vault address,
// the engine's mount path and the key name.
func parseKeyID(id string) (addr, mount, key string, err error) {
	raw := id
	if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err == nil && u.Host != "" {
		parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
		if n := len(parts); n >= 3 && parts[n-2] == "keys" && parts[n-1] != "" {
			return u.Scheme + "://" + u.Host, strings.Join(parts[:n-2], "/"), parts[n-1], nil
		}
	}
	return "", "", "", fmt.Errorf("hcvault: kmsKeyId %q is not a transit key URL (http://vault:8200/transit/keys/<name>)", id)
}

// errNoToken is returned when neither a token nor an AppRole is configured.
var errNoToken = errors.New("hcvault: no token: set the rule configuration's \"token.id\" or VAULT_TOKEN, or an AppRole")
