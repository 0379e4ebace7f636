package store

import (
	"context"
	"errors"

	"github.com/accord-registry/accord/compat"
)

// CheckOptions tunes [Store.CheckCompatibility].
type CheckOptions struct {
	// Version is the version to test against, [Latest], or 0 for "every version registration
	// would check".
	Version   int
	Normalize bool
	// Verbose turns a parse failure into an incompatible result carrying the parser's message
	// instead of a 42201 error, as Confluent does with verbose=true.
	Verbose bool
}

// CheckCompatibility answers the /compatibility endpoints (POST
// /compatibility/subjects/{subject}/versions[/{version}]).
func (s *Store) CheckCompatibility(ctx context.Context, subject string, req SchemaRequest, opts CheckOptions) (compat.Result, error) {
	var (
		out    compat.Result
		parsed *compat.Schema
		prev   []compat.Previous
		check  compat.CheckOptions
	)
	err := s.read(ctx, func(st *state) error {
		subject, err := st.aliased(ctx, subject)
		if err != nil {
			return err
		}
		if err := st.allowReferences(ctx, parseSubject(subject).ctx, req.References); err != nil {
			return err
		}
		conf := st.effectiveConfig(subject, s.cfg.DefaultLevel)
		prev, err = st.checkTargets(subject, opts.Version, &conf, req.Metadata)
		if err != nil {
			return err
		}
		// Confluent's isCompatible canonicalises the schema as a new one, as registration does.
		parseOpts := compat.ParseOptions{New: true, Normalize: opts.Normalize || isTrue(conf.Normalize)}
		parsed, _, err = st.parse(parseSubject(subject).ctx, req.Type, req.Schema, req.References, parseOpts, false)
		if err != nil {
			var e *Error
			if opts.Verbose && errors.As(err, &e) && e.Code == CodeInvalidSchema {
				out = compat.Result{Compatible: false, Messages: []string{e.Message}}
				return nil
			}
			return err
		}
		check = st.checkOptions(&conf, parsed, req.Metadata, subject)
		return nil
	})
	if err != nil || parsed == nil {
		return out, err
	}
	// The comparison runs outside the read lock (parsed schemas are immutable): a long one
	// would otherwise hold back every write waiting for the lock, and every read behind it.
	out, err = compat.Check(ctx, parsed, prev, check)
	if err != nil {
		return compat.Result{}, errCheckStopped(err)
	}
	return out, nil
}

// errCheckStopped is the answer to a compatibility check that compat stopped early. Confluent
// has no such limit and would run until done. A comparison over its budget (a crafted schema)
// is 42201, the answer Confluent gives a schema its parser refuses (as Jackson's nesting limit
// does): the client's schema must change, and retrying will not help. A request past its
// deadline or left by its client is 50002, as other timeouts.
func errCheckStopped(err error) error {
	var le *compat.LimitError
	if errors.As(err, &le) {
		return Wrap(CodeInvalidSchema, err, "Invalid schema: "+le.Error())
	}
	return Wrap(CodeOperationTimeout, err, "Operation timed out")
}

// checkTargets picks the versions to check against: one numbered version (40402 when missing
// or soft-deleted, even for unknown subjects), the latest (none for an empty subject), or all
// live versions.
func (st *state) checkTargets(subject string, num int, conf *ConfigRecord, md *Metadata) ([]compat.Previous, error) {
	if num == 0 {
		return st.previousSchemas(subject, conf, md)
	}
	var v *version
	if num == Latest {
		v = st.latest(subject)
		if v == nil {
			return nil, nil
		}
	} else if v = st.subjects[subject][num]; v == nil || v.deleted {
		return nil, errVersionNotFound(num)
	}
	if len(compared(*conf.CompatibilityLevel, []*version{v})) == 0 {
		return nil, nil
	}
	p, err := st.parsedVersion(v)
	if err != nil {
		return nil, err
	}
	return []compat.Previous{{Schema: p, Version: v.num}}, nil
}
