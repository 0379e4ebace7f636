package rules

import (
	"fmt"
	"strings"
)

// The built-in actions, always present; an engine option may not replace them.
const (
	ActionNone  = "NONE"
	ActionError = "ERROR"
)

// errorAction turns the failure it is given into an *Error naming the rule, which fails
// the serialization (Confluent's ErrorAction).
type errorAction struct{}

func (errorAction) Type() string { return ActionError }

func (errorAction) Run(rc *Context, _ any, err error) error {
	return &Error{Rule: rc.Rule.Name, Mode: rc.Mode, Err: err}
}

// noneAction does nothing: the failure is ignored and the record goes on (Confluent's
// NoneAction).
type noneAction struct{}

func (noneAction) Type() string { return ActionNone }

func (noneAction) Run(*Context, any, error) error { return nil }

// actionName picks the action of onSuccess or onFailure for the mode the serde runs in: a
// WRITEREAD or UPDOWN rule may name two, "W,R", the first for Write and Upgrade and the
// second for Read and Downgrade (a third part is ignored). An empty name gives def. Names
// are not trimmed, as in Confluent's clients.
func actionName(rule Rule, mode Mode, name, def string) string {
	if name == "" {
		return def
	}
	m := ruleMode(rule)
	if (m == WriteRead || m == UpDown) && strings.Contains(name, ",") {
		parts := strings.Split(name, ",")
		if mode == Write || mode == Upgrade {
			name = parts[0]
		} else {
			name = parts[1]
		}
		if name == "" {
			return def
		}
	}
	return name
}

// action finds an action by name: the built-ins first, then the caller's.
func (e *Engine) action(name string) (Action, error) {
	switch name {
	case ActionNone:
		return noneAction{}, nil
	case ActionError:
		return errorAction{}, nil
	}
	if a, ok := e.actions[name]; ok {
		return a, nil
	}
	return nil, fmt.Errorf("%w of type %s", ErrNoAction, name)
}
