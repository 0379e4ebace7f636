package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/awskms"
	"github.com/accord-registry/accord/serde/kms/hcvault"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/store"
)

// serverKMS is the DEK Registry's KMS for shared KEKs: the drivers Accord's serde uses
// (local-kms, aws-kms, hcvault), with credentials from the environment each driver reads
// (LOCAL_SECRET; the AWS SDK's variables and profiles; VAULT_TOKEN, VAULT_NAMESPACE), and
// alternate key ids from the KEK's kmsProps.
type serverKMS struct{ drivers kms.Drivers }

func newServerKMS() store.KMS {
	return serverKMS{drivers: kms.NewDrivers(localkms.New(), awskms.New(), hcvault.New())}
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
