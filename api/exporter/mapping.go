package exporter

import (
	"maps"
	"slices"
	"strings"

	"github.com/accord-registry/accord/store"
)

// The mapping from source subjects to destination subjects. A subject is written the way
// Confluent writes it: bare in the default context ".", otherwise ":.ctx:name".
//
// The destination context is the exporter's target: "." + SourceID for AUTO, the exporter's
// context for CUSTOM, and the source subject's own context for NONE. A source subject of a
// context other than the default one keeps its context under the target: with the target
// ".dr", ":.staging:orders" becomes ":.dr.staging:orders". The subject's name within its
// context goes through subjectRenameFormat, where ${subject} stands for that name.

const defaultContext = "."

// mapping places an exporter's source subjects in the destination.
type mapping struct {
	target    string // the destination context; "" for NONE (each subject keeps its own)
	rename    string
	kekRename string
	patterns  []string
}

func newMapping(e store.Exporter, sourceID string) mapping {
	m := mapping{rename: e.SubjectRenameFormat, kekRename: e.KekRenameFormat, patterns: e.Subjects}
	if m.rename == "" {
		m.rename = "${subject}"
	}
	if len(m.patterns) == 0 {
		m.patterns = []string{"*"}
	}
	switch strings.ToUpper(e.ContextType) {
	case "NONE":
	case "CUSTOM":
		m.target = e.Context
		if !strings.HasPrefix(m.target, ".") {
			m.target = "." + m.target
		}
	default:
		m.target = "." + sourceID
	}
	return m
}

// qualified is a subject split into its context and its name within it.
type qualified struct{ ctx, name string }

func splitSubject(s string) qualified {
	if strings.HasPrefix(s, ":.") {
		if end := strings.IndexByte(s[2:], ':'); end >= 0 {
			return qualified{ctx: s[1 : end+2], name: s[end+3:]}
		}
	}
	return qualified{ctx: defaultContext, name: s}
}

func (q qualified) String() string {
	if q.ctx == defaultContext {
		return q.name
	}
	return ":" + q.ctx + ":" + q.name
}

// matches reports whether the exporter copies a source subject (qualified): "name" is that
// subject, "prefix*" every subject starting with prefix, "*" every subject of the default
// context, ":*:" every subject of every context. Scopes that are not subjects (the global
// and context configs and modes, "" and ":.ctx:") never match; nor do the subjects of the
// exporter's own target context and of the contexts under it (AUTO and CUSTOM): those are
// the exporter's copies when its destination leads back to the source, and copying them
// again would nest ".dr.dr", ".dr.dr.dr"... without end.
func (m mapping) matches(subject string) bool {
	q := splitSubject(subject)
	if q.name == "" || m.inTarget(q.ctx) {
		return false
	}
	return m.matchesAll() || m.matchesNamed(subject, q)
}

// matchesAll reports whether ":*:", every subject of every context, is a pattern.
func (m mapping) matchesAll() bool { return slices.Contains(m.patterns, ":*:") }

// matchesNamed is matches without ":*:": by "*", a prefix or a name.
func (m mapping) matchesNamed(subject string, q qualified) bool {
	for _, p := range m.patterns {
		switch {
		case p == "*":
			if q.ctx == defaultContext {
				return true
			}
		case strings.HasSuffix(p, "*"):
			if strings.HasPrefix(subject, strings.TrimSuffix(p, "*")) {
				return true
			}
		case p == subject || splitSubject(p) == q:
			return true
		}
	}
	return false
}

// inTarget reports whether a source context is the exporter's target context or under it.
func (m mapping) inTarget(ctx string) bool {
	if m.target == "" || m.target == defaultContext {
		return false
	}
	return ctx == m.target || strings.HasPrefix(ctx, m.target+".")
}

// destination returns the destination subject of a source subject, qualified.
func (m mapping) destination(subject string) string {
	q := splitSubject(subject)
	return qualified{ctx: m.context(q.ctx), name: strings.ReplaceAll(m.rename, "${subject}", q.name)}.String()
}

// context returns the destination context of a source context.
func (m mapping) context(source string) string {
	switch {
	case m.target == "" || m.target == defaultContext:
		return source
	case source == defaultContext:
		return m.target
	}
	return m.target + source
}

// referenceSubject is how a destination schema names a reference: the destination subject of
// the source subject the reference resolves to, bare when it is in the referring subject's
// destination context (as the source wrote it bare), qualified otherwise.
func (m mapping) referenceSubject(referring, refSubject string) (source, dest string) {
	source = resolveReference(referring, refSubject)
	d := splitSubject(m.destination(source))
	if d.ctx == splitSubject(m.destination(referring)).ctx && !strings.HasPrefix(refSubject, ":") {
		return source, d.name
	}
	return source, d.String()
}

// resolveReference qualifies a reference's subject as the registry resolves it: a bare name
// is in the referring subject's context.
func resolveReference(referring, refSubject string) string {
	if strings.HasPrefix(refSubject, ":.") {
		return splitSubject(refSubject).String()
	}
	return qualified{ctx: splitSubject(referring).ctx, name: refSubject}.String()
}

// modeScope is the path segment whose mode must be IMPORT for writes into a destination
// context: the context itself, or the registry's global mode for the default context.
func modeScope(destContext string) string {
	if destContext == defaultContext {
		return ""
	}
	return ":" + destContext + ":"
}

// scope returns, for a source scope of configs ("" for the global config, ":.ctx:" for a
// context's) that governs subjects the exporter copies, the destination scope it is copied
// to: the destination context of its context ("" when that is the default context).
func (m mapping) scope(source string) (string, bool) {
	q := splitSubject(source)
	if q.name != "" || (source != "" && q.ctx == defaultContext) || !m.covers(q.ctx) {
		return "", false
	}
	return modeScope(m.context(q.ctx)), true
}

// covers reports whether a pattern of the exporter can match a subject of context ctx.
func (m mapping) covers(ctx string) bool {
	for _, p := range m.patterns {
		switch {
		case p == ":*:":
			return true
		case p == "*":
			if ctx == defaultContext {
				return true
			}
		case splitSubject(strings.TrimSuffix(p, "*")).ctx == ctx:
			return true
		}
	}
	return false
}

// kekParam is the rule parameter that names the KEK of an encryption rule.
const kekParam = "encrypt.kek.name"

// ruleSet returns a version's rule set as the destination gets it: the KEKs its encryption
// rules name renamed as the exporter renames the KEKs it copies, so that a consumer of the
// destination finds them there. The source's rule set is never changed.
func (m mapping) ruleSet(rs *store.RuleSet) *store.RuleSet {
	if rs == nil || m.kekRename == "" || m.kekRename == "${kek}" {
		return rs
	}
	out := *rs
	out.MigrationRules = m.renameRuleKeks(rs.MigrationRules)
	out.DomainRules = m.renameRuleKeks(rs.DomainRules)
	out.EncodingRules = m.renameRuleKeks(rs.EncodingRules)
	return &out
}

func (m mapping) renameRuleKeks(rules []store.Rule) []store.Rule {
	if rules == nil {
		return nil
	}
	out := slices.Clone(rules)
	for i, r := range out {
		if kek, ok := r.Params[kekParam]; ok && kek != "" {
			out[i].Params = maps.Clone(r.Params)
			out[i].Params[kekParam] = renameKek(m.kekRename, kek)
		}
	}
	return out
}
