package store

import (
	"strings"
	"unicode/utf8"
)

// defaultContext is the name of the context unqualified subjects live in.
const defaultContext = "."

// globalContext holds config and mode that apply to every context as the lowest layer.
const globalContext = ".__GLOBAL"

// wildcardPrefix in a subject prefix means "in every context".
const wildcardPrefix = ":*:"

// qname is a subject split into its context and its name within the context. Confluent writes
// it as `:.ctx:name`; unqualified names belong to the default context ".". A qname with an empty
// name stands for the context itself (context-level config and mode).
type qname struct {
	ctx  string
	name string
}

// parseSubject splits a possibly context-qualified subject. `:.:name` is the default context.
func parseSubject(s string) qname {
	if strings.HasPrefix(s, ":.") {
		if end := strings.IndexByte(s[2:], ':'); end >= 0 {
			ctx := s[1 : end+2]
			if ctx == defaultContext {
				return qname{ctx: defaultContext, name: s[end+3:]}
			}
			return qname{ctx: ctx, name: s[end+3:]}
		}
	}
	return qname{ctx: defaultContext, name: s}
}

// String renders q the way Confluent stores subjects: bare in the default context, otherwise
// `:.ctx:name`.
func (q qname) String() string {
	if q.ctx == defaultContext {
		return q.name
	}
	return ":" + q.ctx + ":" + q.name
}

// isContext reports whether q names a context rather than a subject in it.
func (q qname) isContext() bool { return q.name == "" && q.ctx != defaultContext }

// contextKey is the config/mode key of q's context: "" for the default context (the global
// record), `:.ctx:` otherwise.
func (q qname) contextKey() string {
	if q.ctx == defaultContext {
		return ""
	}
	return ":" + q.ctx + ":"
}

// validSubject applies Confluent's subject rules: no ISO control characters, not a reserved
// name, not inside the __GLOBAL context (which only holds config and mode).
func validSubject(s string, allowGlobal bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return false
		}
	}
	q := parseSubject(s)
	if q.name == "__GLOBAL" || q.name == "__EMPTY" {
		return false
	}
	if strings.Contains(q.ctx, ":") {
		return false
	}
	return allowGlobal || q.ctx != globalContext
}

// splitForMessage returns the name and context of a subject as Confluent prints them in
// read-only and import-mode messages.
func splitForMessage(subject string) (name, ctx string) {
	q := parseSubject(subject)
	return q.name, q.ctx
}

// matchesPrefix reports whether the qualified subject s is selected by a subjectPrefix. An
// unqualified prefix selects within the default context, `:.ctx:p` within .ctx, and `:*:p`
// within every context.
func matchesPrefix(s, prefix string) bool {
	if rest, ok := strings.CutPrefix(prefix, wildcardPrefix); ok {
		return strings.HasPrefix(parseSubject(s).name, rest)
	}
	p := parseSubject(prefix)
	q := parseSubject(s)
	return q.ctx == p.ctx && strings.HasPrefix(q.name, p.name)
}
