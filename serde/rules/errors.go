package rules

import (
	"errors"
	"fmt"
)

// ErrNoExecutor is the cause given to a rule's failure action when no executor of its type
// was given to the engine.
var ErrNoExecutor = errors.New("could not find rule executor")

// ErrNoAction is returned when a rule names an action the engine was not given.
var ErrNoAction = errors.New("could not find rule action")

// ConditionError is the failure of a CONDITION rule whose verdict was false. Its message is
// the rule's doc, else its expression, else its name, as Confluent's Go client words its
// RuleConditionErr. Err is an underlying cause when there is one (usually nil).
type ConditionError struct {
	Rule Rule
	Err  error
}

func (e *ConditionError) Error() string {
	switch {
	case e.Rule.Doc != "":
		return e.Rule.Doc
	case e.Rule.Expr != "":
		return "Expr failed: '" + e.Rule.Expr + "'"
	default:
		return "Condition failed: '" + e.Rule.Name + "'"
	}
}

func (e *ConditionError) Unwrap() error { return e.Err }

// Error is what the ERROR action returns: the rule that failed, the mode it ran in, and the
// cause (a *ConditionError, an executor's error, or ErrNoExecutor). Its message is
// "rule <name> failed: <cause>", as Confluent's Go client's ErrorAction says it.
type Error struct {
	Rule string
	Mode Mode
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("rule %s failed", e.Rule)
	}
	return fmt.Sprintf("rule %s failed: %v", e.Rule, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
