package hcvault

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/accord-registry/accord/serde/kms"
)

// client sends requests to one Vault.
type client struct {
	http             *http.Client
	addr             string
	token, namespace string
}

// aead wraps with transit encrypt and unwraps with transit decrypt, under the context it was
// opened with. The wrapped form is Vault's ciphertext string ("vault:v<n>:..."), as bytes.
type aead struct {
	ctx              context.Context
	c                *client
	encrypt, decrypt string
}

func (a *aead) Encrypt(plaintext, associatedData []byte) ([]byte, error) {
	var out struct {
		Data struct {
			Ciphertext string `json:"ciphertext"`
		} `json:"data"`
	}
	in := map[string]string{"plaintext": base64.StdEncoding.EncodeToString(plaintext),
		"associated_data": base64.StdEncoding.EncodeToString(associatedData)}
	if err := a.c.post(a.ctx, a.encrypt, in, &out); err != nil {
		return nil, err
	}
	if out.Data.Ciphertext == "" {
		return nil, fmt.Errorf("hcvault: %s answered without a ciphertext", a.encrypt)
	}
	return []byte(out.Data.Ciphertext), nil
}

func (a *aead) Decrypt(ciphertext, associatedData []byte) ([]byte, error) {
	var out struct {
		Data struct {
			Plaintext string `json:"plaintext"`
		} `json:"data"`
	}
	in := map[string]string{"ciphertext": string(ciphertext),
		"associated_data": base64.StdEncoding.EncodeToString(associatedData)}
	if err := a.c.post(a.ctx, a.decrypt, in, &out); err != nil {
		return nil, err
	}
	p, err := base64.StdEncoding.DecodeString(out.Data.Plaintext)
	if err != nil {
		return nil, fmt.Errorf("hcvault: %s answered with a plaintext that is not base64: %w", a.decrypt, err)
	}
	return p, nil
}

// login exchanges an AppRole's ids for a token.
func (c *client) login(ctx context.Context, roleID, secretID string) (string, error) {
	var out struct {
		Auth struct {
			ClientToken string `json:"client_token"`
		} `json:"auth"`
	}
	if err := c.post(ctx, "auth/approle/login", map[string]string{"role_id": roleID, "secret_id": secretID}, &out); err != nil {
		return "", err
	}
	return out.Auth.ClientToken, nil
}

// post sends a JSON body to /v1/path and decodes the answer; an answer other than 2xx is an
// error with Vault's messages, and 403 is kms.ErrAccessDenied.
func (c *client) post(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.addr+"/v1/"+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("hcvault: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("X-Vault-Token", c.token)
	}
	if c.namespace != "" {
		req.Header.Set("X-Vault-Namespace", c.namespace)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("hcvault: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("hcvault: read the answer to %s: %w", path, err)
	}
	if resp.StatusCode/100 != 2 {
		return vaultError(path, resp.StatusCode, raw, c.token == "")
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("hcvault: decode the answer to %s: %w", path, err)
	}
	return nil
}

// vaultError reports Vault's error messages ({"errors": [...]}).
func vaultError(path string, status int, raw []byte, noToken bool) error {
	var body struct {
		Errors []string `json:"errors"`
	}
	msg := strings.TrimSpace(string(raw))
	if json.Unmarshal(raw, &body) == nil && len(body.Errors) > 0 {
		msg = strings.Join(body.Errors, "; ")
	}
	err := fmt.Errorf("hcvault: %s: %d %s", path, status, msg)
	switch {
	case status == http.StatusForbidden && noToken:
		return fmt.Errorf("%w: %w: %w", kms.ErrAccessDenied, errNoToken, err)
	case status == http.StatusForbidden:
		return fmt.Errorf("%w: %w", kms.ErrAccessDenied, err)
	}
	return err
}
