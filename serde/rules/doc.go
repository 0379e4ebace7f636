// Package rules runs the data-contract rules a registered schema carries, as Confluent's
// serializers do: conditions that reject a record, transforms that change it, field-level
// rules chosen by tags, migrations between major versions, and the actions that follow a
// rule's success or failure.
//
// The types in contract.go are the seams between the engine, the executors (CEL, JSONata,
// field encryption) and the format packages, which walk their own values field by field.
//
// # The engine
//
// [Engine] reproduces Confluent's Serde.ExecuteRulesWithPhase (Go client; the Python
// client's _execute_rules_with_phase is the same loop). It is built with [NewEngine] from
// the executors and actions it may use, overrides by rule type and the client's rule
// configuration: nothing is registered globally. A run over one phase:
//
//  1. Without a message or a target schema, nothing runs.
//  2. The list: on UPGRADE the target's migration rules; on DOWNGRADE the source's, last
//     first; on WRITE the target's domain or encoding rules; on READ the same, last first.
//     The rule set's enableAt comes with the list.
//  3. For each rule: an [Override] of its type decides whether it is disabled, else enableAt
//     (unset is ALL; anything but ALL and CLIENT disables), else the rule's own flag. Its
//     mode must match the serde's (WRITEREAD matches WRITE and READ, UPDOWN matches UPGRADE
//     and DOWNGRADE). Its executor is found by its type in upper case; when there is none,
//     the failure action runs with [ErrNoExecutor] and, if it lets the record pass, the run
//     stops there and returns the message as it is.
//  4. A CONDITION that answers false gives a [*ConditionError]; a TRANSFORM that answers
//     nil, or any executor error, is a failure too; each runs the failure action (ERROR
//     when unset). Otherwise the success action runs (NONE when unset) and a TRANSFORM's
//     answer becomes the message.
//
// An action name may be a pair "A,B" on a WRITEREAD or UPDOWN rule: A on WRITE and UPGRADE,
// B on READ and DOWNGRADE. NONE and ERROR are built in; ERROR returns an [*Error], "rule
// <name> failed: <cause>", which errors.As unwraps to the cause. Anything else is an
// [Action] the caller gives with [WithActions]: a dead-letter queue is one, seeing the rule,
// mode, subject, topic, message and cause through its [Context]; an unknown name is an
// error wrapping [ErrNoAction].
//
// Field-level executors ([FieldExecutor]: CEL_FIELD, ENCRYPT) run through [WalkFields]: a
// transform is skipped when another rule of the list does the same work ([Suppressed]);
// otherwise the executor makes a [FieldTransform] and the format's [FieldWalker] applies it
// to each primitive field that [Selected] picks, from the tags [FieldTags] gives (inline
// confluent:tags, and metadata.tags keys matched by [MatchPath]). The helpers are exported
// so that every format picks the same fields.
//
// # Migrations
//
// A consumer that reads with a newer or older major version than the writer's (its reader
// schema chosen by use.latest.with.metadata, typically) migrates each record along the
// versions between the two, as Confluent's Serde.GetMigrations and ExecuteMigrations do.
// [Migrations] plans the steps, fetching every version strictly between writer and reader
// through a [VersionFetcher] the serde supplies; [RunMigrations] runs them through a
// [Runner] on the message, decoded with the writer's schema into a generic tree
// (the format packages' ToJSONTree helpers make it), which the deserializer then reads as
// the reader's type.
//
// # Where it differs from Confluent's Go client
//
//   - A rule missing its kind or mode is taken as TRANSFORM and WRITEREAD, the registry's
//     defaults (Go skips a rule with no mode and discards a kindless rule's result).
//   - A CONDITION executor that answers anything but a bool fails the rule (Go lets it
//     pass; Python tests the answer's truth).
//   - The cause an action gets for a false condition is the *ConditionError (Go passes nil,
//     then wraps the action's error in its RuleConditionErr); the error returned unwraps to
//     it either way.
//   - An unknown success action fails the rule, as in Python (Go logs it); an error a
//     success action returns is logged and ignored, as in Go.
//   - enableAt is honoured, as in Python and Java (Go's client ignores it).
//   - Overrides are found by rule type in upper case, like executors.
package rules
