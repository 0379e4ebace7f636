package store

import "context"

// aliasTarget returns the subject a request for subject is redirected to, as Confluent's alias
// config does: when the subject has its own config with a non-empty alias, the alias, qualified
// relative to the aliased subject's context. One level only, as in Confluent.
func (st *state) aliasTarget(subject string) string {
	q := parseSubject(subject)
	c := st.configs[q.String()]
	if q.name == "" || c == nil || c.Alias == nil || *c.Alias == "" {
		return subject
	}
	return aliasFor(q, *c.Alias)
}

// aliasFor is the subject an alias set on q's config redirects to: qualified relative to q's
// context.
func aliasFor(q qname, alias string) string { return qualifyRef(alias, q.ctx) }

// allowAlias checks that the request's Guard may do what it does (admin, for a config
// change) on the subject an alias set on subject would redirect to: an alias lends its
// name's grants to its target.
func allowAlias(ctx context.Context, subject string, alias *string) error {
	if alias == nil || *alias == "" {
		return nil
	}
	return guardOf(ctx).Allow(aliasFor(parseSubject(subject), *alias))
}

// target is the qualified subject a write to subject acts on, after alias redirection, once
// the request's Guard allows it.
func (s *Store) target(ctx context.Context, subject string) (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.aliased(ctx, subject)
}
