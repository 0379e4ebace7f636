package store

import (
	"strings"

	"github.com/accord-registry/accord/compat"
)

// Reference names another subject-version whose schema this one uses. Name is format
// specific: the full name of an Avro named type, a Protobuf import path, a JSON Schema $ref.
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Metadata is the data-contract metadata attached to a schema. It is stored, hashed and
// merged with config defaults and overrides; Accord never interprets it otherwise.
type Metadata struct {
	Tags       map[string][]string `json:"tags,omitempty"`
	Properties map[string]string   `json:"properties,omitempty"`
	Sensitive  []string            `json:"sensitive,omitempty"`
}

// Rule is one data-contract rule. Accord stores and validates rules but never executes them.
type Rule struct {
	Name      string            `json:"name"`
	Doc       string            `json:"doc,omitempty"`
	Kind      string            `json:"kind,omitempty"`
	Mode      string            `json:"mode,omitempty"`
	Type      string            `json:"type,omitempty"`
	Tags      []string          `json:"tags,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	Expr      string            `json:"expr,omitempty"`
	OnSuccess string            `json:"onSuccess,omitempty"`
	OnFailure string            `json:"onFailure,omitempty"`
	Disabled  bool              `json:"disabled,omitempty"`
}

// RuleSet groups a schema's rules by purpose.
type RuleSet struct {
	MigrationRules []Rule `json:"migrationRules,omitempty"`
	DomainRules    []Rule `json:"domainRules,omitempty"`
	EncodingRules  []Rule `json:"encodingRules,omitempty"`
	EnableAt       string `json:"enableAt,omitempty"`
}

// ConfigRecord is a compatibility configuration record: global, per context or per subject. Nil
// pointers and empty strings are "not set", which matters for merging and resolution.
type ConfigRecord struct {
	Subject            *string       `json:"subject,omitempty"`
	CompatibilityLevel *compat.Level `json:"compatibilityLevel,omitempty"`
	ConfigOptions
}

// ConfigOptions are the fields of a config besides its subject and level. The API's PUT body
// shares them but names the level differently ("compatibility").
type ConfigOptions struct {
	Alias               *string   `json:"alias,omitempty"`
	Normalize           *bool     `json:"normalize,omitempty"`
	ValidateFields      *bool     `json:"validateFields,omitempty"`
	ValidateRules       *bool     `json:"validateRules,omitempty"`
	CompatibilityPolicy *string   `json:"compatibilityPolicy,omitempty"`
	CompatibilityGroup  *string   `json:"compatibilityGroup,omitempty"`
	DefaultMetadata     *Metadata `json:"defaultMetadata,omitempty"`
	OverrideMetadata    *Metadata `json:"overrideMetadata,omitempty"`
	DefaultRuleSet      *RuleSet  `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet     *RuleSet  `json:"overrideRuleSet,omitempty"`
}

// Mode controls which writes a scope accepts.
type Mode string

// The modes Confluent defines. READONLY_OVERRIDE is accepted and behaves as READONLY.
const (
	ModeReadWrite        Mode = "READWRITE"
	ModeReadOnly         Mode = "READONLY"
	ModeReadOnlyOverride Mode = "READONLY_OVERRIDE"
	ModeImport           Mode = "IMPORT"
	ModeForward          Mode = "FORWARD"
)

// ParseMode parses a mode case-insensitively.
func ParseMode(s string) (Mode, bool) {
	switch m := Mode(strings.ToUpper(s)); m {
	case ModeReadWrite, ModeReadOnly, ModeReadOnlyOverride, ModeImport, ModeForward:
		return m, true
	}
	return "", false
}

func (m Mode) readOnly() bool { return m == ModeReadOnly || m == ModeReadOnlyOverride }

func (m Mode) importing() bool { return m == ModeImport || m == ModeForward }

// Schema is one registered subject-version as the API returns it.
type Schema struct {
	Subject    string
	Version    int
	ID         int
	GUID       string
	Type       compat.SchemaType
	References []Reference
	Metadata   *Metadata
	RuleSet    *RuleSet
	Text       string
	Timestamp  int64 // Unix milliseconds of the record that stored it
	Deleted    bool
	MaxID      int // highest id in the schema's context, filled only when asked for
	// Aliases are the subjects whose config alias points at this schema's subject, filled
	// only by /schemas with aliases=true.
	Aliases []string
	// Associations are its subject's associations, filled only by /schemas with an
	// association filter.
	Associations []Association
}

// QualifiedReferences returns the references with their subjects qualified by the schema's
// context (Confluent's referenceFormat=qualified); in the default context they are unchanged.
func (s Schema) QualifiedReferences() []Reference {
	ctx := parseSubject(s.Subject).ctx
	if ctx == defaultContext || len(s.References) == 0 {
		return s.References
	}
	out := make([]Reference, len(s.References))
	for i, r := range s.References {
		out[i] = Reference{Name: r.Name, Subject: qualifyRef(r.Subject, ctx), Version: r.Version}
	}
	return out
}

// SubjectVersion pairs a subject with one of its versions.
type SubjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// ContextID is a schema id within a context.
type ContextID struct {
	Context string `json:"context"`
	ID      int    `json:"id"`
}

// SchemaRequest is the body of register, lookup and compatibility calls.
type SchemaRequest struct {
	Schema     string
	Type       compat.SchemaType
	References []Reference
	Metadata   *Metadata
	RuleSet    *RuleSet
	Version    int // 0 when absent; -1 asks to compare with the latest version only
	ID         int // -1 when absent
}

// DropNullTags removes the tag lists a request gave as null, which would otherwise be
// stored and answered as null where clients expect a list.
func (m *Metadata) DropNullTags() {
	if m == nil {
		return
	}
	for path, tags := range m.Tags {
		if tags == nil {
			delete(m.Tags, path)
		}
	}
}
