package rules

import (
	"errors"
	"io"
	"log/slog"
	"strings"
)

// Override changes, for every rule of one type, the actions and the disabled flag the
// registry gave it (Confluent's RuleOverride). A nil field leaves the rule's own value.
type Override struct {
	Type      string
	OnSuccess *string
	OnFailure *string
	Disabled  *bool
}

// Configurable is an executor or action that wants the client's rule configuration (the
// local KMS secret, KMS credentials, …): NewEngine calls Configure once with it, as
// Confluent's serdes call RuleBase.configure.
type Configurable interface {
	Configure(config map[string]string) error
}

// Option configures an Engine.
type Option func(*Engine)

// WithExecutors gives the engine executors, found by their Type in upper case. A later
// executor of the same type replaces an earlier one.
func WithExecutors(executors ...Executor) Option {
	return func(e *Engine) {
		for _, x := range executors {
			e.executors[strings.ToUpper(x.Type())] = x
		}
	}
}

// WithActions gives the engine actions beyond NONE and ERROR (a dead-letter queue, say),
// found by their Type exactly as rules name them.
func WithActions(actions ...Action) Option {
	return func(e *Engine) {
		for _, a := range actions {
			e.actions[a.Type()] = a
		}
	}
}

// WithOverrides overrides the actions or the disabled flag of the rules of some types.
func WithOverrides(overrides ...Override) Option {
	return func(e *Engine) {
		for _, o := range overrides {
			e.overrides[strings.ToUpper(o.Type)] = o
		}
	}
}

// WithRuleConfig is the client's rule configuration, given to each Configurable executor
// and action (Confluent's Go Config.RuleConfig, Python's rule_conf).
func WithRuleConfig(config map[string]string) Option {
	return func(e *Engine) { e.config = config }
}

// WithLogger logs what the engine cannot return: the failures of success actions.
func WithLogger(l *slog.Logger) Option {
	return func(e *Engine) { e.log = l }
}

// Engine runs the rules of a schema's rule set; it implements Runner. It is safe for
// concurrent use once built, if its executors and actions are.
type Engine struct {
	executors map[string]Executor
	actions   map[string]Action
	overrides map[string]Override
	config    map[string]string
	log       *slog.Logger
}

// NewEngine builds an engine from its executors, actions, overrides and the client's rule
// configuration, and configures the executors and actions that want it.
func NewEngine(opts ...Option) (*Engine, error) {
	e := &Engine{
		executors: map[string]Executor{},
		actions:   map[string]Action{},
		overrides: map[string]Override{},
		log:       slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(e)
	}
	for _, x := range e.executors {
		if err := configure(x, e.config); err != nil {
			return nil, err
		}
	}
	for _, a := range e.actions {
		if err := configure(a, e.config); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func configure(v any, config map[string]string) error {
	if c, ok := v.(Configurable); ok {
		return c.Configure(config)
	}
	return nil
}

// Close closes the executors and actions that are io.Closers (KMS clients, DLQ producers).
func (e *Engine) Close() error {
	var errs []error
	for _, a := range e.actions {
		if c, ok := a.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	for _, x := range e.executors {
		if c, ok := x.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}
