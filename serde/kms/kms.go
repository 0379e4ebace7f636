package kms

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tink-crypto/tink-go/v2/tink"
)

// Driver opens the KMS keys of one kmsType.
type Driver interface {
	// Type is the kmsType the driver serves, as a KEK names it: "local-kms", "aws-kms",
	// "hcvault".
	Type() string
	// AEAD returns the primitive that wraps and unwraps DEKs with the KMS key kmsKeyID.
	// config is the client's rule configuration (Confluent's rule.executors.<name>.param.*
	// or rule_conf: "secret", "access.key.id", ...); drivers read it before the environment
	// variables, as Confluent's drivers do. A driver that talks to a service makes its calls
	// under ctx, so the AEAD belongs to the operation that asked for it: open another for
	// the next one (drivers keep what is costly to build, such as service clients).
	AEAD(ctx context.Context, kmsKeyID string, config map[string]string) (tink.AEAD, error)
}

// Drivers is a set of drivers by kmsType. The caller builds it (there is no global
// registry): NewDrivers(localkms.New(), awskms.New()).
type Drivers map[string]Driver

// NewDrivers returns the set of ds, by their Type.
func NewDrivers(ds ...Driver) Drivers {
	set := make(Drivers, len(ds))
	for _, d := range ds {
		set[strings.ToLower(d.Type())] = d
	}
	return set
}

// ErrUnknownType is returned, wrapped, for a kmsType no driver serves.
var ErrUnknownType = errors.New("kms: no driver for this kmsType")

// ErrAccessDenied is returned, wrapped, by drivers when the KMS refused the credentials or
// the key (the registry answers 403 with error code 40370 for it, not 500).
var ErrAccessDenied = errors.New("kms: access denied")

// Lookup returns the driver of kmsType. Types compare without case, as Confluent's clients
// match a KEK's "kmsType://kmsKeyId" against their drivers' prefixes.
func (d Drivers) Lookup(kmsType string) (Driver, error) {
	if drv, ok := d[strings.ToLower(kmsType)]; ok {
		return drv, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownType, kmsType)
}
