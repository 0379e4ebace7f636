package encryption

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/rules"
)

// The rule parameters the executors read (rule params first, then the target schema's
// metadata properties).
const (
	ParamKEKName       = "encrypt.kek.name"
	ParamKMSType       = "encrypt.kms.type"
	ParamKMSKeyID      = "encrypt.kms.key.id"
	ParamDEKAlgorithm  = "encrypt.dek.algorithm"
	ParamDEKExpiryDays = "encrypt.dek.expiry.days"
)

// The rule types of the two executors.
const (
	FieldRuleType   = "ENCRYPT"
	PayloadRuleType = "ENCRYPT_PAYLOAD"
)

// Config is what both executors need. Registry and Drivers are required.
type Config struct {
	// Registry reads and creates KEKs and DEKs; share one per registry, as it caches them.
	Registry *deks.Client
	// Drivers open the KMS keys of KEKs that are not shared.
	Drivers kms.Drivers
	// RuleConfig is the client's rule configuration: the local KMS "secret", KMS
	// credentials, encrypt.alternate.kms.key.ids (Confluent's rule_conf / RuleConfig).
	RuleConfig map[string]string
	// Logger receives the warning when a DEK could not be rotated and an older one is used;
	// nil discards it.
	Logger *slog.Logger
	// Now is the clock DEK expiry is measured with; nil is time.Now.
	Now func() time.Time
}

// executor is the state the two executors share: the configuration and the ciphers of the
// DEKs seen so far.
type executor struct {
	cfg     Config
	ciphers *cipherCache
}

func newExecutor(cfg Config) *executor {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &executor{cfg: cfg, ciphers: newCipherCache(maxCiphers)}
}

// FieldExecutor is the ENCRYPT rule: it encrypts the string and bytes fields a rule's tags
// select on write and decrypts them on read (Confluent's FieldEncryptionExecutor).
type FieldExecutor struct{ x *executor }

// NewFieldExecutor returns the ENCRYPT executor.
func NewFieldExecutor(cfg Config) *FieldExecutor { return &FieldExecutor{newExecutor(cfg)} }

// Type returns "ENCRYPT".
func (*FieldExecutor) Type() string { return FieldRuleType }

// NewFieldTransform resolves the rule's KEK (creating it on write when it is absent) and
// returns the transform the engine applies to each selected field of one message.
func (e *FieldExecutor) NewFieldTransform(rc *rules.Context) (rules.FieldTransform, error) {
	return e.x.newTransform(rc)
}

// Transform walks msg with rc.Fields, encrypting or decrypting the selected fields.
func (e *FieldExecutor) Transform(rc *rules.Context, msg any) (any, error) {
	if rc.Fields == nil {
		return nil, fmt.Errorf("%s: the message format has no fields to walk", FieldRuleType)
	}
	t, err := e.NewFieldTransform(rc)
	if err != nil {
		return nil, err
	}
	return rc.Fields(rc, t, msg)
}

// PayloadExecutor is the ENCRYPT_PAYLOAD rule, an encoding rule: it encrypts the whole
// encoded message on write and decrypts it on read (Confluent's EncryptionExecutor).
type PayloadExecutor struct{ x *executor }

// NewPayloadExecutor returns the ENCRYPT_PAYLOAD executor.
func NewPayloadExecutor(cfg Config) *PayloadExecutor { return &PayloadExecutor{newExecutor(cfg)} }

// Type returns "ENCRYPT_PAYLOAD".
func (*PayloadExecutor) Type() string { return PayloadRuleType }

// Transform encrypts (Write) or decrypts (Read) msg, the encoded message as []byte, and
// returns the new bytes.
func (e *PayloadExecutor) Transform(rc *rules.Context, msg any) (any, error) {
	if _, ok := msg.([]byte); !ok && rc.Mode == rules.Write {
		return nil, fmt.Errorf("%s: the message is a %T, not the encoded bytes (an encoding rule)", PayloadRuleType, msg)
	}
	t, err := e.x.newTransform(rc)
	if err != nil {
		return nil, err
	}
	return t.TransformField(rc, rules.Field{Type: rules.FieldBytes}, msg)
}

// contextOf returns the context of a rule run, which an engine may leave unset.
func contextOf(rc *rules.Context) context.Context {
	if rc.Context == nil {
		return context.Background()
	}
	return rc.Context
}
