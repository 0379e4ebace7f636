package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/awskms"
	"github.com/accord-registry/accord/serde/kms/hcvault"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/store"
)

// serverKMS is the DEK Registry's KMS for shared KEKs: the drivers Accord's serde uses
// (local-kms, aws-kms, hcvault), with credentials from the environment each driver reads
// (LOCAL_SECRET; the AWS SDK's variables and profiles; VAULT_TOKEN, VAULT_NAMESPACE), and
// alternate key ids from the KEK's kmsProps. Vault is only reached at VAULT_ADDR (see
// vaultAtAddr).
type serverKMS struct{ drivers kms.Drivers }

func newServerKMS() store.KMS {
	vault := vaultAtAddr{Driver: hcvault.New(), addr: os.Getenv("VAULT_ADDR")}
	return serverKMS{drivers: kms.NewDrivers(localkms.New(), awskms.New(), vault)}
}

// vaultAtAddr is the hcvault driver held to the Vault at VAULT_ADDR. A KEK's key id is a URL
// that whoever creates the KEK chooses, and the driver sends the registry's VAULT_TOKEN (or
// logs in with its AppRole's ids) to the address that URL names; the registry's credentials
// must reach only its own Vault. (Clients are not held so: their credentials are their own.)
type vaultAtAddr struct {
	*hcvault.Driver
	addr string
}

func (v vaultAtAddr) AEAD(ctx context.Context, kmsKeyID string, config map[string]string) (tink.AEAD, error) {
	want, ok := vaultOrigin(v.addr)
	if !ok {
		return nil, fmt.Errorf("hcvault: the registry uses its Vault credentials only with the Vault at VAULT_ADDR, and VAULT_ADDR is not set (or not a URL)")
	}
	if got, _ := vaultOrigin(kmsKeyID); got != want {
		return nil, fmt.Errorf("hcvault: kmsKeyId %q is not a key of the Vault at VAULT_ADDR (%s), the only one the registry sends its credentials to", kmsKeyID, want)
	}
	return v.Driver.AEAD(ctx, kmsKeyID, config)
}

// vaultOrigin is the scheme and host of a Vault address or key URL, https when it names no
// scheme (as the driver reads it), without a default port.
func vaultOrigin(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return "", false
	}
	host := strings.ToLower(u.Host)
	switch {
	case u.Scheme == "https":
		host = strings.TrimSuffix(host, ":443")
	case u.Scheme == "http":
		host = strings.TrimSuffix(host, ":80")
	}
	return u.Scheme + "://" + host, true
}

func (k serverKMS) Encrypt(ctx context.Context, kmsType, kmsKeyID string, kmsProps map[string]string, plaintext []byte) ([]byte, error) {
	aead, err := k.drivers.AEAD(ctx, kmsType, kmsKeyID, kmsProps, nil)
	if err != nil {
		return nil, kmsError(err)
	}
	out, err := aead.Encrypt(plaintext, nil)
	return out, kmsError(err)
}

func (k serverKMS) Decrypt(ctx context.Context, kmsType, kmsKeyID string, kmsProps map[string]string, ciphertext []byte) ([]byte, error) {
	aead, err := k.drivers.AEAD(ctx, kmsType, kmsKeyID, kmsProps, nil)
	if err != nil {
		return nil, kmsError(err)
	}
	out, err := aead.Decrypt(ciphertext, nil)
	return out, kmsError(err)
}

// kmsError marks a driver's refusal of the registry's credentials as the store's access
// denied (403, 40370); every other failure stays one (500, 50070).
func kmsError(err error) error {
	if err != nil && errors.Is(err, kms.ErrAccessDenied) {
		return fmt.Errorf("%w: %w", store.ErrKMSAccessDenied, err)
	}
	return err
}
