package store

import "github.com/accord-registry/accord/compat"

// preparse parses a registration's schema before the registration waits for the writer, with
// the options its decision will parse it with, and leaves the parse in the parse cache, where
// the decision finds it.
//
// Decisions are made one at a time (on a shared log, one after the other for every write of a
// group, while later writes wait for the group), so a parse made there delays every write
// behind it; made here, the parses of concurrent registrations run in parallel and hold no
// lock. A parse of a reference-free text is a pure function of the text and the options, so the
// cached parse is exactly the one the decision would make. Should the mode or configuration
// change before the decision, it asks for other options, misses the cache and parses itself.
// Schemas with references are left to the decision: their parse depends on the state.
func (s *Store) preparse(subject string, req SchemaRequest, normalize bool) {
	if req.Schema == "" || len(req.References) > 0 || !compat.Supported(req.Type) {
		return
	}
	s.mu.RLock()
	conf := s.st.effectiveConfig(subject, s.cfg.DefaultLevel)
	opts := registrationParseOptions(req, s.st.effectiveMode(subject), normalize || isTrue(conf.Normalize))
	s.mu.RUnlock()
	key := parseKey{req.Type, req.Schema, opts}
	if s.st.parses.get(key) != nil {
		return
	}
	if parsed, err := compat.Parse(req.Type, req.Schema, nil, opts); err == nil {
		s.st.parses.put(key, parsed)
	}
}

// registrationParseOptions are the options a registration's schema is parsed with: as a new
// schema unless it imports an id or the subject imports, normalised when asked (not when
// importing, which stores the text as given).
func registrationParseOptions(req SchemaRequest, mode Mode, normalize bool) compat.ParseOptions {
	return compat.ParseOptions{New: req.ID < 0 && !mode.importing(), Normalize: normalize && !mode.importing()}
}
