package store

import (
	"errors"
	"fmt"

	"github.com/accord-registry/accord/compat"
)

// maxReferenceDepth bounds reference chains; real schemas nest a handful of levels.
const maxReferenceDepth = 64

// resolveRef finds the subject-version a reference names, in the referrer's context. Version
// -1 means the latest live version. Soft-deleted targets count only when allowDeleted.
func (st *state) resolveRef(ctx string, r Reference, allowDeleted bool) (*version, error) {
	if r.Name == "" || r.Subject == "" || r.Version == 0 || r.Version < -1 {
		return nil, errInvalidSchema("Invalid reference")
	}
	subject := qualifyRef(r.Subject, ctx)
	var v *version
	if r.Version == -1 {
		v = st.latest(subject)
	} else {
		v = st.subjects[subject][r.Version]
	}
	if v == nil || (v.deleted && !allowDeleted) {
		return nil, errInvalidSchema(fmt.Sprintf("Invalid schema, no schema reference found for subject \"%s\" and version %d", r.Subject, r.Version))
	}
	return v, nil
}

// dependencies resolves refs transitively into the ordered list compat.Parse wants (a
// dependency's own dependencies first, each name once) and returns refs with -1 versions
// replaced by concrete ones.
func (st *state) dependencies(ctx string, refs []Reference, allowDeleted bool) ([]compat.Dependency, []Reference, error) {
	var deps []compat.Dependency
	seen := map[string]bool{}
	resolved := make([]Reference, len(refs))
	for i, r := range refs {
		v, err := st.resolveRef(ctx, r, allowDeleted)
		if err != nil {
			return nil, nil, err
		}
		resolved[i] = Reference{Name: r.Name, Subject: r.Subject, Version: v.num}
		if err := st.collectDeps(v, r.Name, seen, &deps, 0); err != nil {
			return nil, nil, err
		}
	}
	return deps, resolved, nil
}

func (st *state) collectDeps(v *version, name string, seen map[string]bool, deps *[]compat.Dependency, depth int) error {
	if seen[name] {
		return nil
	}
	if depth > maxReferenceDepth {
		return errInvalidSchema("Invalid schema, references nest too deeply")
	}
	seen[name] = true
	for _, r := range v.refs {
		dep, err := st.resolveRef(v.q.ctx, r, true)
		if err != nil {
			return err
		}
		if err := st.collectDeps(dep, r.Name, seen, deps, depth+1); err != nil {
			return err
		}
	}
	*deps = append(*deps, compat.Dependency{Name: name, Type: v.typ, Schema: v.text})
	return nil
}

// parse parses text with its references resolved in ctx and returns the parsed schema and the
// concrete references. Parse failures become 42201 with the parser's message.
func (st *state) parse(ctx string, typ compat.SchemaType, text string, refs []Reference, opts compat.ParseOptions, allowDeletedRefs bool) (*compat.Schema, []Reference, error) {
	if !compat.Supported(typ) {
		return nil, nil, errInvalidSchema("Invalid schema type " + string(typ))
	}
	if len(refs) == 0 {
		if p := st.parses.get(parseKey{typ, text, opts}); p != nil {
			return p, nil, nil
		}
	}
	deps, resolved, err := st.dependencies(ctx, refs, allowDeletedRefs)
	if err != nil {
		return nil, nil, err
	}
	parsed, err := compat.Parse(typ, text, deps, opts)
	if err != nil {
		var pe *compat.ParseError
		if errors.As(err, &pe) {
			return nil, nil, errInvalidSchema(invalidSchemaMessage(typ, pe.Msg))
		}
		return nil, nil, errInvalidSchema(invalidSchemaMessage(typ, err.Error()))
	}
	if len(refs) == 0 {
		st.parses.put(parseKey{typ, text, opts}, parsed)
	}
	return parsed, resolved, nil
}

// invalidSchemaMessage words a parse failure the way Confluent does.
func invalidSchemaMessage(typ compat.SchemaType, detail string) string {
	return fmt.Sprintf("Invalid schema {schemaType=%s}, details: %s", typ, detail)
}

// parsedVersion returns v's schema parsed leniently, as Confluent parses stored schemas. The
// parse is cached in st.parses, bounded, never on v: a million versions each keeping its parse
// would cost several KB per schema.
func (st *state) parsedVersion(v *version) (*compat.Schema, error) {
	if p := st.parses.version(v); p != nil {
		return p, nil
	}
	if err := st.parses.failure(v); err != nil {
		return nil, err
	}
	p, _, err := st.parse(v.q.ctx, v.typ, v.text, v.refs, compat.ParseOptions{}, true)
	var invalid *Error
	if errors.As(err, &invalid) && invalid.Code == CodeInvalidSchema {
		// Only text a trusted topic brought can fail here: say it is the stored version
		// that does not parse, not the schema the request sent. A version never changes,
		// so neither does its failure: remembered, it is not parsed again on every request.
		err = Errorf(CodeInvalidSchema, "Stored schema %s version %d (id %d) does not parse: %s", v.subject, v.num, v.id, invalid.Message)
		st.parses.putFailure(v, err)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	st.parses.putVersion(v, p)
	return p, nil
}
