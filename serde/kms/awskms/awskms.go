// Package awskms is the "aws-kms" driver: KEKs that are AWS KMS keys, named by their ARN. It
// reads the configuration keys and environment variables Confluent's AWS drivers read, and
// leaves the rest to the AWS SDK's default chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, instance
// roles, AWS_ENDPOINT_URL, ...), so a program configured for Confluent's serializers works
// unchanged.
//
// Wrapped DEKs are the ciphertext blobs of KMS Encrypt, so DEKs wrapped by Confluent's
// clients open here and the reverse.
package awskms

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/accord-registry/accord/serde/kms"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	kmsapi "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// Type is the kmsType this driver serves.
const Type = "aws-kms"

// The rule configuration keys the driver reads, as Confluent's AwsKmsDriver names them, and
// EndpointURL, which Accord adds: the KMS (and STS) endpoint, for emulators and private
// endpoints (the SDK also honours AWS_ENDPOINT_URL). The encryption executor takes it from
// the rule configuration only, never from a KEK's kmsProps.
const (
	AccessKeyID     = "access.key.id"
	SecretAccessKey = "secret.access.key"
	Profile         = "profile"
	RoleARN         = "role.arn"
	RoleSessionName = "role.session.name"
	RoleExternalID  = "role.external.id"
	EndpointURL     = "endpoint.url"
)

// defaultSessionName is the session name of an assumed role when none is configured.
const defaultSessionName = "confluent-encrypt"

// Driver opens AWS KMS keys. It keeps one KMS client per region and configuration.
type Driver struct {
	mu      sync.Mutex // guards clients
	clients map[settings]*kmsapi.Client
}

// New returns the aws-kms driver.
func New() *Driver { return &Driver{clients: make(map[settings]*kmsapi.Client)} }

// Type returns "aws-kms".
func (*Driver) Type() string { return Type }

// AEAD returns the KMS key whose ARN is kmsKeyID; the region is the ARN's.
func (d *Driver) AEAD(ctx context.Context, kmsKeyID string, conf map[string]string) (tink.AEAD, error) {
	region, err := regionOf(kmsKeyID)
	if err != nil {
		return nil, err
	}
	client, err := d.client(ctx, readSettings(region, conf))
	if err != nil {
		return nil, err
	}
	return &aead{ctx: ctx, kms: client, keyID: kmsKeyID}, nil
}

// regionOf returns the region of a key ARN, arn:<partition>:kms:<region>:<account>:key/<id>.
func regionOf(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 || parts[0] != "arn" || parts[2] != "kms" || parts[3] == "" {
		return "", fmt.Errorf("awskms: kmsKeyId %q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)", arn)
	}
	return parts[3], nil
}

// settings is what a KMS client is built from; the configuration wins over the environment.
type settings struct {
	region, accessKeyID, secretAccessKey, profile string
	roleARN, roleSessionName, roleExternalID      string
	endpoint                                      string
}

func readSettings(region string, conf map[string]string) settings {
	s := settings{region: region, accessKeyID: conf[AccessKeyID], secretAccessKey: conf[SecretAccessKey],
		profile: conf[Profile], endpoint: conf[EndpointURL],
		roleARN:         or(conf[RoleARN], os.Getenv("AWS_ROLE_ARN")),
		roleSessionName: or(conf[RoleSessionName], os.Getenv("AWS_ROLE_SESSION_NAME"), defaultSessionName),
		roleExternalID:  or(conf[RoleExternalID], os.Getenv("AWS_ROLE_EXTERNAL_ID")),
	}
	return s
}

func or(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func (d *Driver) client(ctx context.Context, s settings) (*kmsapi.Client, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.clients[s]; ok {
		return c, nil
	}
	cfg, err := loadConfig(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("awskms: %w", err)
	}
	c := kmsapi.NewFromConfig(cfg, func(o *kmsapi.Options) {
		if s.endpoint != "" {
			o.BaseEndpoint = aws.String(s.endpoint)
		}
	})
	d.clients[s] = c
	return c, nil
}

// loadConfig builds the SDK configuration: static keys, else a profile, else the SDK's
// default chain; then, with a role ARN, credentials of that role assumed through STS.
func loadConfig(ctx context.Context, s settings) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(s.region)}
	switch {
	case s.accessKeyID != "" && s.secretAccessKey != "":
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.accessKeyID, s.secretAccessKey, "")))
	case s.profile != "":
		opts = append(opts, config.WithSharedConfigProfile(s.profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil || s.roleARN == "" {
		return cfg, err
	}
	stsClient := sts.NewFromConfig(cfg, func(o *sts.Options) {
		if s.endpoint != "" {
			o.BaseEndpoint = aws.String(s.endpoint)
		}
	})
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, s.roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = s.roleSessionName
		if s.roleExternalID != "" {
			o.ExternalID = aws.String(s.roleExternalID)
		}
	}))
	return cfg, nil
}

// aead wraps with KMS Encrypt and unwraps with KMS Decrypt, under the context it was opened
// with.
type aead struct {
	ctx   context.Context
	kms   *kmsapi.Client
	keyID string
}

func (a *aead) Encrypt(plaintext, associatedData []byte) ([]byte, error) {
	out, err := a.kms.Encrypt(a.ctx, &kmsapi.EncryptInput{KeyId: aws.String(a.keyID), Plaintext: plaintext,
		EncryptionContext: encryptionContext(associatedData)})
	if err != nil {
		return nil, kmsError("encrypt", a.keyID, err)
	}
	return out.CiphertextBlob, nil
}

func (a *aead) Decrypt(ciphertext, associatedData []byte) ([]byte, error) {
	out, err := a.kms.Decrypt(a.ctx, &kmsapi.DecryptInput{KeyId: aws.String(a.keyID), CiphertextBlob: ciphertext,
		EncryptionContext: encryptionContext(associatedData)})
	if err != nil {
		return nil, kmsError("decrypt", a.keyID, err)
	}
	return out.Plaintext, nil
}

// encryptionContext carries associated data the way Tink's AWS KMS AEAD does (hex, under
// "additionalData"). Confluent's clients always wrap with empty associated data, and then
// there is none.
func encryptionContext(ad []byte) map[string]string {
	if len(ad) == 0 {
		return nil
	}
	return map[string]string{"additionalData": fmt.Sprintf("%x", ad)}
}

// kmsError names the operation and key, and marks refusals with kms.ErrAccessDenied.
func kmsError(op, keyID string, err error) error {
	var denied interface{ ErrorCode() string }
	if errors.As(err, &denied) && denied.ErrorCode() == "AccessDeniedException" {
		return fmt.Errorf("awskms: %s with %s: %w: %w", op, keyID, kms.ErrAccessDenied, err)
	}
	return fmt.Errorf("awskms: %s with %s: %w", op, keyID, err)
}
