package store

// aliasTarget returns the subject a request for subject is redirected to (confluent-api.md
// §2.10): when the subject has its own config with a non-empty alias, the alias, qualified
// relative to the aliased subject's context. One level only, as in Confluent.
func (st *state) aliasTarget(subject string) string {
	q := parseSubject(subject)
	c := st.configs[q.String()]
	if q.name == "" || c == nil || c.Alias == nil || *c.Alias == "" {
		return subject
	}
	return qualifyRef(*c.Alias, q.ctx)
}

// target applies alias redirection for a subject named in a request path or query.
func (s *Store) target(subject string) string {
	if subject == "" {
		return subject
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.aliasTarget(subject)
}
