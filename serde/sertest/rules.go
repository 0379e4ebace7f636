package sertest

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde/rules"
)

// Schema is a schema to register with its rule set and metadata, in the registry's JSON.
// franz-go's sr.Schema cannot carry encoding rules or enableAt, so tests of data contracts
// register with this.
type Schema struct {
	Schema     string               `json:"schema"`
	SchemaType string               `json:"schemaType,omitempty"` // "AVRO" (default), "PROTOBUF", "JSON"
	References []sr.SchemaReference `json:"references,omitempty"`
	Metadata   *rules.Metadata      `json:"metadata,omitempty"`
	RuleSet    *rules.RuleSet       `json:"ruleSet,omitempty"`
}

// Register registers s under subject (POST /subjects/{subject}/versions) and returns its id;
// it fails t if the registry refuses.
func (r *Registry) Register(t testing.TB, subject string, s Schema) int {
	t.Helper()
	var resp struct {
		ID int `json:"id"`
	}
	if err := r.sr.Do(context.Background(), http.MethodPost, "/subjects/"+url.PathEscape(subject)+"/versions", s, &resp); err != nil {
		t.Fatalf("sertest: register under %q: %v", subject, err)
	}
	return resp.ID
}

// FakeRunner is a [rules.Runner] for tests of how serializers run rules, not a rule engine:
// for the domain phase it runs each domain rule of rc.Target whose mode fits rc.Mode (the
// same, or WRITEREAD) with Field as a field executor, through rules.WalkFields as the engine
// runs one (so a false CONDITION verdict is a *rules.ConditionError), in order on write and
// in reverse on read; for the encoding phase it applies Encoding to the bytes once per such
// encoding rule. A non-nil Err is returned instead, as an engine returns a rule's failure.
// It records every call.
type FakeRunner struct {
	Field    func(rc *rules.Context, f rules.Field, value any) (any, error)
	Encoding func(rc *rules.Context, b []byte) []byte
	Err      error

	mu    sync.Mutex
	calls []Call
}

// Call is what a [FakeRunner] was asked to do.
type Call struct {
	Phase          rules.Phase
	Mode           rules.Mode
	Subject, Topic string
	Key            bool
	Source, Target *rules.SchemaInfo
	Walker         bool // rc.Fields was set
}

// Calls returns the calls so far.
func (f *FakeRunner) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Run implements rules.Runner.
func (f *FakeRunner) Run(rc *rules.Context, phase rules.Phase, msg any) (any, error) {
	f.mu.Lock()
	f.calls = append(f.calls, Call{Phase: phase, Mode: rc.Mode, Subject: rc.Subject, Topic: rc.Topic, Key: rc.Key,
		Source: rc.Source, Target: rc.Target, Walker: rc.Fields != nil})
	f.mu.Unlock()
	if f.Err != nil {
		return nil, f.Err
	}
	list := rc.Target.RuleSet.DomainRules
	if phase == rules.Encoding {
		list = rc.Target.RuleSet.EncodingRules
	}
	list = slices.Clone(list)
	if rc.Mode == rules.Read {
		slices.Reverse(list)
	}
	rc.Rules = list
	for i, rule := range list {
		if rule.Mode != rc.Mode && rule.Mode != rules.WriteRead {
			continue
		}
		rc.Rule, rc.Index = rule, i
		var err error
		switch {
		case phase == rules.Encoding && f.Encoding != nil:
			msg = f.Encoding(rc, msg.([]byte))
		case phase == rules.Domain && f.Field != nil:
			msg, err = rules.WalkFields(rc, fieldExecutor(f.Field), msg)
		}
		if err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// fieldExecutor is a function as a rules.FieldExecutor, run through rules.WalkFields as the
// engine runs one: duplicate rules suppressed, a CONDITION's false verdict a
// *rules.ConditionError.
type fieldExecutor func(rc *rules.Context, f rules.Field, value any) (any, error)

func (fn fieldExecutor) Type() string { return "FAKE" }

func (fn fieldExecutor) Transform(rc *rules.Context, msg any) (any, error) {
	return rules.WalkFields(rc, fn, msg)
}

func (fn fieldExecutor) NewFieldTransform(*rules.Context) (rules.FieldTransform, error) {
	return fn, nil
}

func (fn fieldExecutor) TransformField(rc *rules.Context, f rules.Field, value any) (any, error) {
	return fn(rc, f, value)
}
