package store

import (
	"context"

	"github.com/accord-registry/accord/compat"
)

// globalConfigKey is the config/mode key of the __GLOBAL context, the lowest layer.
const globalConfigKey = ":" + globalContext + ":"

// configKey maps a config/mode path subject to its record key: "" and the default context
// `:.:` mean the global record; `:.ctx:` the context record; anything else the subject.
func configKey(subject string) string {
	q := parseSubject(subject)
	if q.ctx == defaultContext && q.name == "" {
		return ""
	}
	return q.String()
}

// IsSubjectSetting reports whether a config or mode path subject names one subject's own
// record, rather than the global one (no subject, `:.:`), __GLOBAL's (`:.__GLOBAL:`) or a
// context's (`:.ctx:`). It applies configKey, the parsing that picks the record, so the API
// authorizes exactly the record the store changes.
func IsSubjectSetting(subject string) bool {
	key := configKey(subject)
	return key != "" && !parseSubject(key).isContext()
}

// effectiveConfig resolves the config in scope for a subject: the subject's own, then its
// context's, then the global one, then the server default, as Confluent's getConfigInScope does.
func (st *state) effectiveConfig(subject string, serverDefault compat.Level) ConfigRecord {
	q := parseSubject(subject)
	if q.name != "" {
		if c := st.configs[q.String()]; c != nil {
			out := withLevel(c, serverDefault)
			inheritFlags(&out, st.configs[""])
			return out
		}
	}
	for _, key := range []string{q.contextKey(), globalConfigKey} {
		if c := st.configs[key]; c != nil {
			return withLevel(c, serverDefault)
		}
	}
	return ConfigRecord{CompatibilityLevel: &serverDefault}
}

// withLevel copies c, filling in the server default level when c has none.
func withLevel(c *ConfigRecord, serverDefault compat.Level) ConfigRecord {
	out := *c
	if out.CompatibilityLevel == nil {
		out.CompatibilityLevel = &serverDefault
	}
	return out
}

// inheritFlags fills the subject config's unset flags from the global record: Confluent merges
// these five and nothing else.
func inheritFlags(c *ConfigRecord, global *ConfigRecord) {
	if global == nil {
		return
	}
	c.Normalize = firstSet(c.Normalize, global.Normalize)
	c.ValidateFields = firstSet(c.ValidateFields, global.ValidateFields)
	c.ValidateRules = firstSet(c.ValidateRules, global.ValidateRules)
	c.CompatibilityPolicy = firstSet(c.CompatibilityPolicy, global.CompatibilityPolicy)
	c.CompatibilityGroup = firstSet(c.CompatibilityGroup, global.CompatibilityGroup)
}

func firstSet[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}

// effectiveMode resolves the mode in scope (§9.2): subject, then context (or global), then
// __GLOBAL, then READWRITE.
func (st *state) effectiveMode(subject string) Mode {
	q := parseSubject(subject)
	keys := []string{q.contextKey(), globalConfigKey}
	if q.name != "" {
		keys = append([]string{q.String()}, keys...)
	}
	for _, key := range keys {
		if m, ok := st.modes[key]; ok {
			return m
		}
	}
	return ModeReadWrite
}

// GetConfig answers GET /config and GET /config/{subject}. An empty subject is the global
// config, which always has a level. A subject without its own record is 40408 unless
// defaultToGlobal asks for the config in scope.
func (s *Store) GetConfig(ctx context.Context, subject string, defaultToGlobal bool) (ConfigRecord, error) {
	var out ConfigRecord
	err := s.read(ctx, func(st *state) error {
		key := configKey(subject)
		if c := st.configs[key]; c != nil {
			out = withLevel(c, s.cfg.DefaultLevel)
			return nil
		}
		if key != "" && !defaultToGlobal {
			return errConfigNotConfigured(subject)
		}
		if key == "" && !defaultToGlobal {
			out = ConfigRecord{CompatibilityLevel: &s.cfg.DefaultLevel}
			return nil
		}
		out = st.effectiveConfig(subject, s.cfg.DefaultLevel)
		return nil
	})
	return out, err
}

// SetConfig merges update into the stored config of subject ("" = global) and returns the
// merged record. Fields absent from update keep their value; clear lists fields sent as JSON
// null, which remove the stored value.
func (s *Store) SetConfig(ctx context.Context, subject string, update ConfigRecord, clear []string) (ConfigRecord, error) {
	if subject != "" && !validSubject(subject, true) {
		return ConfigRecord{}, errInvalidSubject(subject)
	}
	if err := allowAlias(ctx, subject, update.Alias); err != nil {
		return ConfigRecord{}, err
	}
	for _, rs := range []*RuleSet{update.DefaultRuleSet, update.OverrideRuleSet} {
		if err := normalizeRuleSet(rs); err != nil {
			return ConfigRecord{}, err
		}
	}
	var merged ConfigRecord
	err := s.writeLocked(ctx, func(st *state) ([]Record, error) {
		if st.effectiveMode(subject).readOnly() {
			return nil, errReadOnly(subject)
		}
		key := configKey(subject)
		if old := st.configs[key]; old != nil {
			merged = *old
		}
		mergeConfig(&merged, &update)
		clearConfig(&merged, clear)
		return []Record{configRecord(key, &merged)}, nil
	})
	return merged, err
}

// DeleteConfig removes the config of subject ("" = global) and returns the previous one.
func (s *Store) DeleteConfig(ctx context.Context, subject string) (ConfigRecord, error) {
	var prev ConfigRecord
	err := s.writeLocked(ctx, func(st *state) ([]Record, error) {
		key := configKey(subject)
		old := st.configs[key]
		if old == nil && key != "" {
			return nil, errSubjectNotFound(subject)
		}
		if st.effectiveMode(subject).readOnly() {
			return nil, errReadOnly(subject)
		}
		if old == nil {
			prev = ConfigRecord{CompatibilityLevel: &s.cfg.DefaultLevel}
			return []Record{{Key: encodeKey(recordKey{Type: keyConfig})}}, nil
		}
		prev = withLevel(old, s.cfg.DefaultLevel)
		return []Record{{Key: encodeKey(recordKey{Type: keyConfig, Subject: key})}}, nil
	})
	return prev, err
}

func configRecord(key string, c *ConfigRecord) Record {
	value := *c
	value.Subject = nil
	if key != "" {
		value.Subject = &key
	}
	return Record{Key: encodeKey(recordKey{Type: keyConfig, Subject: key}), Value: encodeValue(&value)}
}

func mergeConfig(dst, src *ConfigRecord) {
	dst.CompatibilityLevel = firstSet(src.CompatibilityLevel, dst.CompatibilityLevel)
	dst.Alias = firstSet(src.Alias, dst.Alias)
	dst.Normalize = firstSet(src.Normalize, dst.Normalize)
	dst.ValidateFields = firstSet(src.ValidateFields, dst.ValidateFields)
	dst.ValidateRules = firstSet(src.ValidateRules, dst.ValidateRules)
	dst.CompatibilityPolicy = firstSet(src.CompatibilityPolicy, dst.CompatibilityPolicy)
	dst.CompatibilityGroup = firstSet(src.CompatibilityGroup, dst.CompatibilityGroup)
	dst.DefaultMetadata = firstSet(src.DefaultMetadata, dst.DefaultMetadata)
	dst.OverrideMetadata = firstSet(src.OverrideMetadata, dst.OverrideMetadata)
	dst.DefaultRuleSet = firstSet(src.DefaultRuleSet, dst.DefaultRuleSet)
	dst.OverrideRuleSet = firstSet(src.OverrideRuleSet, dst.OverrideRuleSet)
}

// clearConfig removes the fields a request set to JSON null (by their JSON names).
func clearConfig(c *ConfigRecord, fields []string) {
	for _, f := range fields {
		switch f {
		case "compatibility", "compatibilityLevel":
			c.CompatibilityLevel = nil
		case "alias":
			c.Alias = nil
		case "normalize":
			c.Normalize = nil
		case "validateFields":
			c.ValidateFields = nil
		case "validateRules":
			c.ValidateRules = nil
		case "compatibilityPolicy":
			c.CompatibilityPolicy = nil
		case "compatibilityGroup":
			c.CompatibilityGroup = nil
		case "defaultMetadata":
			c.DefaultMetadata = nil
		case "overrideMetadata":
			c.OverrideMetadata = nil
		case "defaultRuleSet":
			c.DefaultRuleSet = nil
		case "overrideRuleSet":
			c.OverrideRuleSet = nil
		}
	}
}
