package rules

import (
	"errors"
	"fmt"
)

// Run runs the rules of one phase of a rule set on msg, as Confluent's
// Serde.ExecuteRulesWithPhase does; see the package documentation for the steps. It sets
// rc.Rule, rc.Index and rc.Rules for each rule, so executors and actions must not keep rc
// past their call.
func (e *Engine) Run(rc *Context, phase Phase, msg any) (any, error) {
	if msg == nil || rc.Target == nil {
		return msg, nil
	}
	list, enableAt, err := chooseList(rc, phase)
	if err != nil || len(list) == 0 {
		return msg, err
	}
	rc.Rules = list
	for i := range list {
		rc.Rule, rc.Index = list[i], i
		if e.disabled(rc.Rule, enableAt) || !modeMatches(ruleMode(rc.Rule), rc.Mode) {
			continue
		}
		x, ok := e.executors[upper(rc.Rule.Type)]
		if !ok {
			cause := fmt.Errorf("%w of type %s", ErrNoExecutor, rc.Rule.Type)
			if err := e.fail(rc, msg, cause); err != nil {
				return nil, err
			}
			return msg, nil // Confluent's clients stop here when the action lets it pass
		}
		if msg, err = e.runRule(rc, x, msg); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// runRule runs one rule and its success or failure action, and returns the message the
// next rule gets: a transform's result, else msg.
func (e *Engine) runRule(rc *Context, x Executor, msg any) (any, error) {
	result, err := e.execute(rc, x, msg)
	if err == nil && result == nil {
		err = errors.New("rule returned no result")
	}
	if err == nil && ruleKind(rc.Rule) == Condition {
		err = verdict(rc.Rule, result)
	}
	if err != nil {
		return msg, e.fail(rc, msg, err)
	}
	if ruleKind(rc.Rule) == Transform {
		msg = result
	}
	return msg, e.succeed(rc, msg)
}

// execute runs the rule's executor: a field executor through the format's walker (a
// field condition that walked every selected field without a false verdict passed), any
// other on the whole message.
func (e *Engine) execute(rc *Context, x Executor, msg any) (any, error) {
	fx, ok := x.(FieldExecutor)
	if !ok {
		return x.Transform(rc, msg)
	}
	result, err := WalkFields(rc, fx, msg)
	if err == nil && ruleKind(rc.Rule) == Condition {
		return true, nil
	}
	return result, err
}

// verdict is nil when a condition passed: the executor answered true. Anything but a bool
// is an error (Confluent's Go client lets it pass; Python tests its truth).
func verdict(rule Rule, result any) error {
	v, ok := result.(bool)
	switch {
	case !ok:
		return fmt.Errorf("condition rule %s returned %T, not a bool", rule.Name, result)
	case !v:
		return &ConditionError{Rule: rule}
	}
	return nil
}

// fail runs the rule's failure action (ERROR by default) with the cause.
func (e *Engine) fail(rc *Context, msg any, cause error) error {
	a, err := e.action(actionName(rc.Rule, rc.Mode, e.onFailure(rc.Rule), ActionError))
	if err != nil {
		return err
	}
	return a.Run(rc, msg, cause)
}

// succeed runs the rule's success action (NONE by default). An unknown action name is an
// error; an error the action itself returns is logged and ignored, as Confluent's Go
// client does, since the rule succeeded.
func (e *Engine) succeed(rc *Context, msg any) error {
	a, err := e.action(actionName(rc.Rule, rc.Mode, e.onSuccess(rc.Rule), ActionNone))
	if err != nil {
		return e.fail(rc, msg, err)
	}
	if err := a.Run(rc, msg, nil); err != nil {
		e.log.Warn("rule success action failed", "rule", rc.Rule.Name, "action", a.Type(), "err", err)
	}
	return nil
}
