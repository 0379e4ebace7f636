package rules

import "context"

// Kind says what a rule's executor returns: a verdict (Condition) or a new message
// (Transform). The zero value is not a kind; the registry fills in Transform.
type Kind string

// The rule kinds.
const (
	Condition Kind = "CONDITION"
	Transform Kind = "TRANSFORM"
)

// Mode is when a rule runs. A rule's mode WriteRead runs in both Write and Read; UpDown
// runs in both Upgrade and Downgrade.
type Mode string

// The rule modes.
const (
	Write     Mode = "WRITE"
	Read      Mode = "READ"
	WriteRead Mode = "WRITEREAD"
	Upgrade   Mode = "UPGRADE"
	Downgrade Mode = "DOWNGRADE"
	UpDown    Mode = "UPDOWN"
)

// Rule is one rule of a schema's rule set, as the registry returns it.
type Rule struct {
	Name      string            `json:"name"`
	Doc       string            `json:"doc,omitempty"`
	Kind      Kind              `json:"kind,omitempty"`
	Mode      Mode              `json:"mode,omitempty"`
	Type      string            `json:"type"`
	Tags      []string          `json:"tags,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	Expr      string            `json:"expr,omitempty"`
	OnSuccess string            `json:"onSuccess,omitempty"`
	OnFailure string            `json:"onFailure,omitempty"`
	Disabled  bool              `json:"disabled,omitempty"`
}

// RuleSet is a schema's rules by phase. franz-go's sr.SchemaRuleSet has no encoding rules
// and no enableAt, so serde decodes the registry's answers into this type.
type RuleSet struct {
	MigrationRules []Rule `json:"migrationRules,omitempty"`
	DomainRules    []Rule `json:"domainRules,omitempty"`
	EncodingRules  []Rule `json:"encodingRules,omitempty"`
	EnableAt       string `json:"enableAt,omitempty"`
}

// Metadata is a schema's metadata: tags by field path pattern, properties (where rule
// parameters fall back to), and the names of sensitive properties.
type Metadata struct {
	Tags       map[string][]string `json:"tags,omitempty"`
	Properties map[string]string   `json:"properties,omitempty"`
	Sensitive  []string            `json:"sensitive,omitempty"`
}

// SchemaInfo is a registered schema as the rules see it: its text and type, and the rule
// set and metadata it was registered with.
type SchemaInfo struct {
	Schema     string
	SchemaType string // "AVRO", "PROTOBUF" or "JSON"
	Metadata   *Metadata
	RuleSet    *RuleSet
}

// Context is what an executor or action knows about the rule it runs: the schemas, the
// subject and topic, the mode, and the rule with its place in its list.
type Context struct {
	context.Context
	Source, Target *SchemaInfo // Source is nil on serialize
	Subject, Topic string
	Key            bool
	Mode           Mode // the mode the serde runs in: Write, Read, Upgrade or Downgrade
	Rule           Rule
	Index          int    // of Rule in Rules
	Rules          []Rule // the list being run, in the order it runs
	// Fields walks a message of the target schema's format, calling a field transform on
	// each primitive field (set by the format package; nil for formats without fields).
	Fields FieldWalker
}

// Param returns a rule parameter: the rule's own, else the target schema's metadata
// property of that name, as Confluent's RuleContext.getParameter does.
func (c *Context) Param(name string) (string, bool) {
	if v, ok := c.Rule.Params[name]; ok {
		return v, true
	}
	if c.Target != nil && c.Target.Metadata != nil {
		v, ok := c.Target.Metadata.Properties[name]
		return v, ok
	}
	return "", false
}

// Executor runs the rules of one type (its Type, upper case: "CEL", "JSONATA"). For a
// Condition rule Transform returns a bool; for a Transform rule the new message (nil is a
// failure).
type Executor interface {
	Type() string
	Transform(rc *Context, msg any) (any, error)
}

// FieldType is the type of a primitive field, as Confluent names them.
type FieldType string

// The field types.
const (
	FieldRecord   FieldType = "RECORD"
	FieldEnum     FieldType = "ENUM"
	FieldArray    FieldType = "ARRAY"
	FieldMap      FieldType = "MAP"
	FieldCombined FieldType = "COMBINED"
	FieldFixed    FieldType = "FIXED"
	FieldString   FieldType = "STRING"
	FieldBytes    FieldType = "BYTES"
	FieldInt      FieldType = "INT"
	FieldLong     FieldType = "LONG"
	FieldFloat    FieldType = "FLOAT"
	FieldDouble   FieldType = "DOUBLE"
	FieldBoolean  FieldType = "BOOLEAN"
	FieldNull     FieldType = "NULL"
)

// Field is one field a field-level rule is applied to.
type Field struct {
	Containing any    // the message (record) holding the field
	FullName   string // e.g. "com.acme.Order.customer.email"
	Name       string // e.g. "email"
	Type       FieldType
	Tags       []string // inline tags of the schema and metadata tags matching FullName
}

// FieldTransform transforms one field's value; it is made once per rule and message by a
// FieldExecutor.
type FieldTransform interface {
	TransformField(rc *Context, f Field, value any) (any, error)
}

// FieldExecutor is an executor that works field by field (CEL_FIELD, ENCRYPT): the engine
// walks the message with rc.Fields and applies the transform to each primitive field whose
// tags meet the rule's (every primitive field when the rule has none).
type FieldExecutor interface {
	Executor
	NewFieldTransform(rc *Context) (FieldTransform, error)
}

// FieldWalker walks msg, a value of the target schema, applying t to the primitive fields
// selected by the rule in rc, and returns the message with the new values.
type FieldWalker func(rc *Context, t FieldTransform, msg any) (any, error)

// Action runs after a rule succeeds or fails (err is nil on success): "NONE", "ERROR", or
// one the caller registers (a dead-letter queue, say).
type Action interface {
	Type() string
	Run(rc *Context, msg any, err error) error
}

// Phase is the list of a rule set a run uses: domain rules on the message, encoding rules
// on the encoded bytes, migration rules between two versions of a subject.
type Phase int

// The phases.
const (
	Domain Phase = iota + 1
	Encoding
	Migration
)

// Runner runs the rules of one phase of rc.Target's rule set (of rc.Source's for a
// Downgrade) in rc.Mode on msg, and returns the message the rules left: the object for the
// domain and migration phases, the encoded bytes ([]byte) for the encoding phase. It chooses
// the list, its order, and which rules apply; it sets rc.Rule, rc.Index and rc.Rules for each
// rule it runs. A rule whose failure action is ERROR makes it return an error. The engine of
// this package implements it; serializers take one as an option. rc is lent for the call
// only: serializers reuse it for later records, so neither the runner nor its executors and
// actions may keep it (they may keep copies of its fields).
type Runner interface {
	Run(rc *Context, phase Phase, msg any) (any, error)
}
