package exporter

import (
	"net/url"
	"strings"
	"unicode"

	"github.com/accord-registry/accord/store"
)

// The rules of an exporter's definition, as Confluent's exporter resource applies them to
// its ExporterReference: what a create or update may hold, and the defaults it is given.

// The context types: where an exporter's destination subjects go.
const (
	// ContextAuto puts them in a context named after this registry (".<source id>").
	ContextAuto = "AUTO"
	// ContextCustom puts them in the definition's Context.
	ContextCustom = "CUSTOM"
	// ContextNone puts them in the same context as on the source (the default one, mostly).
	ContextNone = "NONE"
)

// Defaults of a definition.
const (
	DefaultSubjectRenameFormat = "${subject}"
	DefaultKekRenameFormat     = "${kek}"
	// URLKey is the one config key an exporter cannot do without.
	URLKey = "schema.registry.url"
	// maxNameLength bounds an exporter's name, as a subject's is bounded.
	maxNameLength = 255
	// maxSubjectPatterns, maxConfigKeys and maxConfigBytes bound a definition, which every
	// instance keeps in memory and every GET answers whole.
	maxSubjectPatterns = 1000
	maxConfigKeys      = 256
	maxConfigBytes     = 64 << 10
)

// checkName answers 40950 for a name that is empty, too long, holds spaces, control
// characters or a slash, or is "." or ".." (it is a path segment of every /exporters route,
// which a dot segment would leave once the path is cleaned).
func checkName(name string) error {
	bad := name == "" || name == "." || name == ".." || len(name) > maxNameLength || strings.ContainsFunc(name, func(r rune) bool {
		return r == '/' || unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	})
	if bad {
		return store.Errorf(store.CodeInvalidExporterName, "Exporter name '%s' is invalid: a name is 1 to %d characters, without spaces, control characters or '/'.", name, maxNameLength)
	}
	return nil
}

// normalise checks a definition and fills in its defaults: contextType upper-cased (AUTO
// when absent), a CUSTOM context with its leading ".", subjects ["*"], the rename formats
// "${subject}" and "${kek}". It answers 40951 for a bad context or config and 40952 for bad
// subjects.
func normalise(e *store.Exporter) error {
	if err := normaliseContext(e); err != nil {
		return err
	}
	if len(e.Subjects) == 0 {
		e.Subjects = []string{"*"}
	}
	if err := checkSubjects(e.Name, e.Subjects); err != nil {
		return err
	}
	if e.SubjectRenameFormat == "" {
		e.SubjectRenameFormat = DefaultSubjectRenameFormat
	}
	if e.KekRenameFormat == "" {
		e.KekRenameFormat = DefaultKekRenameFormat
	}
	if err := checkRenames(e); err != nil {
		return err
	}
	return checkConfig(e.Name, e.Config)
}

// checkRenames answers 40952 for a subject rename format without "${subject}", which would
// copy every subject into one, unless the exporter copies a single named subject; and 40951
// for a KEK rename format without "${kek}".
func checkRenames(e *store.Exporter) error {
	single := len(e.Subjects) == 1 && !strings.Contains(e.Subjects[0], "*")
	if !single && !strings.Contains(e.SubjectRenameFormat, DefaultSubjectRenameFormat) {
		return store.Errorf(store.CodeInvalidExporterSubjects, "Exporter '%s': subjectRenameFormat '%s' does not contain %s, so every subject would be copied into one.", e.Name, e.SubjectRenameFormat, DefaultSubjectRenameFormat)
	}
	if !strings.Contains(e.KekRenameFormat, DefaultKekRenameFormat) {
		return store.Errorf(store.CodeInvalidExporterConfig, "Exporter '%s': kekRenameFormat '%s' does not contain %s, so every KEK would be copied into one.", e.Name, e.KekRenameFormat, DefaultKekRenameFormat)
	}
	return nil
}

func normaliseContext(e *store.Exporter) error {
	e.ContextType = strings.ToUpper(strings.TrimSpace(e.ContextType))
	if e.ContextType == "" {
		e.ContextType = ContextAuto
	}
	switch e.ContextType {
	case ContextAuto, ContextNone:
	case ContextCustom:
		if strings.Trim(e.Context, ".:") == "" {
			return store.Errorf(store.CodeInvalidExporterConfig, "Exporter '%s': contextType CUSTOM needs a context.", e.Name)
		}
	default:
		return store.Errorf(store.CodeInvalidExporterConfig, "Exporter '%s': invalid contextType '%s'; it is AUTO, CUSTOM or NONE.", e.Name, e.ContextType)
	}
	if e.Context != "" {
		ctx := strings.Trim(e.Context, ":")
		if !strings.HasPrefix(ctx, ".") {
			ctx = "." + ctx
		}
		if strings.ContainsAny(ctx, ":/") || strings.ContainsFunc(ctx, unicode.IsSpace) {
			return store.Errorf(store.CodeInvalidExporterConfig, "Exporter '%s': invalid context '%s'.", e.Name, e.Context)
		}
		e.Context = ctx
	}
	return nil
}

// checkSubjects answers 40952 unless every entry is a subject name or pattern: a name, a
// prefix ending in "*", or ":*:" (every context). A subject may be qualified (":.ctx:name").
func checkSubjects(name string, subjects []string) error {
	if len(subjects) > maxSubjectPatterns {
		return store.Errorf(store.CodeInvalidExporterSubjects, "Exporter '%s': %d subjects; at most %d names and patterns.", name, len(subjects), maxSubjectPatterns)
	}
	for _, s := range subjects {
		bad := strings.TrimSpace(s) == "" || strings.ContainsFunc(s, unicode.IsControl) ||
			(strings.Contains(strings.TrimSuffix(s, "*"), "*") && s != ":*:")
		if bad {
			return store.Errorf(store.CodeInvalidExporterSubjects, "Exporter '%s': invalid subjects %q; a subject is a name, a prefix ending in '*', or ':*:'.", name, subjects)
		}
	}
	return nil
}

// checkConfig answers 40951 unless the config names the destination: schema.registry.url,
// one or more comma-separated http(s) URLs.
func checkConfig(name string, config map[string]string) error {
	size := 0
	for k, v := range config {
		size += len(k) + len(v)
	}
	if len(config) > maxConfigKeys || size > maxConfigBytes {
		return store.Errorf(store.CodeInvalidExporterConfig, "Exporter '%s': a config of %d keys and %d bytes; at most %d keys and %d bytes.", name, len(config), size, maxConfigKeys, maxConfigBytes)
	}
	urls := strings.TrimSpace(config[URLKey])
	if urls == "" {
		return store.Errorf(store.CodeInvalidExporterConfig, "Exporter '%s': the config needs %s, the destination's URL.", name, URLKey)
	}
	for _, raw := range strings.Split(urls, ",") {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return store.Errorf(store.CodeInvalidExporterConfig, "Exporter '%s': %s holds an invalid URL '%s'.", name, URLKey, shownURL(raw))
		}
	}
	return nil
}

// shownURL is a URL as an error message may quote it: its password masked, and whole when
// it holds an '@' that is not the end of parsable credentials.
func shownURL(raw string) string {
	shown := maskURLs(raw)
	if shown == raw && strings.Contains(raw, "@") {
		return Masked
	}
	return shown
}
