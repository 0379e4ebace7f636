package store

import "context"

// Guard is a caller's authorization as the store applies it. The API checks the subject a
// request names before the store runs, but only the store knows which subject it actually
// serves: the target of an alias, or, for an unqualified name missing from the default
// context, the same name in another context. So every store method that resolves a subject
// asks the request's Guard about the subject it resolved to, under the same lock that serves
// it, and every subject a request's references name, before resolving them.
type Guard interface {
	// Allow returns nil when the caller may do what the request does (read, write or admin,
	// as its route decides) on the qualified subject, else the error to answer.
	Allow(subject string) error
	// AllowRead returns nil when the caller may read the qualified subject, else the error to
	// answer. References are reads of the subjects they name.
	AllowRead(subject string) error
}

type guardKey struct{}

// WithGuard returns ctx carrying g: the store methods called with it consult g. Without a
// Guard, everything is allowed.
func WithGuard(ctx context.Context, g Guard) context.Context {
	return context.WithValue(ctx, guardKey{}, g)
}

func guardOf(ctx context.Context) Guard {
	if g, ok := ctx.Value(guardKey{}).(Guard); ok && g != nil {
		return g
	}
	return allowAll{}
}

// allowAll is the Guard of requests that carry none: the policy-free API and the store's
// own callers (import, export, tests).
type allowAll struct{}

func (allowAll) Allow(string) error     { return nil }
func (allowAll) AllowRead(string) error { return nil }

// served is the subject a read of subject serves: the alias target, then Confluent's
// cross-context fallback, once the request's Guard allows it.
func (st *state) served(ctx context.Context, subject string, deleted bool) (string, error) {
	s := st.resolveSubject(st.aliasTarget(subject), deleted)
	if err := guardOf(ctx).Allow(s); err != nil {
		return "", err
	}
	return s, nil
}

// aliased is the subject a request for subject acts on without the fallback (writes and
// compatibility checks): the alias target, qualified, once the request's Guard allows it.
func (st *state) aliased(ctx context.Context, subject string) (string, error) {
	s := parseSubject(st.aliasTarget(subject)).String()
	if err := guardOf(ctx).Allow(s); err != nil {
		return "", err
	}
	return s, nil
}

// allowReferences checks, before resolving anything, that the request's Guard may read every
// subject refs name, in the context ctxName, and transitively every subject those versions
// refer to: a schema is parsed, and may be rendered, with all of them inlined. A reference
// that does not resolve stops the walk there; parsing reports it afterwards.
func (st *state) allowReferences(ctx context.Context, ctxName string, refs []Reference) error {
	g := guardOf(ctx)
	if _, ok := g.(allowAll); ok || len(refs) == 0 {
		return nil
	}
	seen := map[refKey]bool{}
	var walk func(ctxName string, refs []Reference, depth int) error
	walk = func(ctxName string, refs []Reference, depth int) error {
		if depth > maxReferenceDepth {
			return errInvalidSchema("Invalid schema, references nest too deeply")
		}
		for _, r := range refs {
			if r.Subject == "" {
				continue // an invalid reference, for parsing to report
			}
			subject := qualifyRef(r.Subject, ctxName)
			if err := g.AllowRead(subject); err != nil {
				return err
			}
			v, err := st.resolveRef(ctxName, r, true)
			if err != nil || seen[refKey{v.subject, v.num}] {
				continue
			}
			seen[refKey{v.subject, v.num}] = true
			if err := walk(v.q.ctx, v.refs, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(ctxName, refs, 0)
}
