package store

import (
	"context"
	"slices"
)

// GetMode answers GET /mode and GET /mode/{subject}. The global mode defaults to READWRITE; a
// subject without its own mode is 40409 unless defaultToGlobal asks for the mode in scope.
func (s *Store) GetMode(ctx context.Context, subject string, defaultToGlobal bool) (Mode, error) {
	var out Mode
	err := s.read(ctx, func(st *state) error {
		key := configKey(subject)
		if m, ok := st.modes[key]; ok {
			out = m
			return nil
		}
		switch {
		case defaultToGlobal:
			out = st.effectiveMode(subject)
		case key == "":
			out = ModeReadWrite
		default:
			return errModeNotConfigured(subject)
		}
		return nil
	})
	return out, err
}

// SetMode sets the mode of subject ("" = global). mode "" removes the stored mode. Entering
// IMPORT requires an empty scope unless force is set; the scope's soft-deleted versions are then
// removed for good, because imported ids and versions must not collide with them.
func (s *Store) SetMode(ctx context.Context, subject string, mode Mode, force bool) error {
	if subject != "" && !validSubject(subject, true) {
		return errInvalidSubject(subject)
	}
	if s.cfg.ModeImmutable {
		return Errorf(CodeOperationNotPermitted, "Mode changes are not allowed")
	}
	key := configKey(subject)
	if mode == ModeForward && key != globalConfigKey {
		return Errorf(CodeInvalidMode, "Forward mode only supported on global level")
	}
	return s.writeLocked(ctx, func(st *state) ([]Record, error) {
		var recs []Record
		if mode == ModeImport && st.effectiveMode(subject) != ModeImport {
			clearing, err := st.prepareImport(key, force)
			if err != nil {
				return nil, err
			}
			recs = clearing
		}
		return append(recs, modeRecord(key, mode)), nil
	})
}

// prepareImport checks that the scope of key holds no live subject (unless force) and returns
// the tombstones and CLEAR_SUBJECT record that drop its soft-deleted versions.
func (st *state) prepareImport(key string, force bool) ([]Record, error) {
	subjects := st.subjectsInScope(key)
	if force {
		return nil, nil
	}
	for _, subject := range subjects {
		if st.latest(subject) != nil {
			return nil, Errorf(CodeOperationNotPermitted, "Cannot import since found existing subjects")
		}
	}
	var recs []Record
	for _, subject := range subjects {
		for _, num := range st.versionNumbers(subject, isAny) {
			if st.referencedByAny(subject, num) {
				return nil, errReferenceExists(subject, num)
			}
			recs = append(recs, Record{Key: encodeKey(recordKey{Type: keySchema, Subject: subject, Version: num})})
		}
	}
	clear := clearSubjectValue{}
	if key != "" {
		clear.Subject = &key
	}
	return append(recs, Record{Key: encodeKey(recordKey{Type: keyClearSubject, Subject: key}), Value: encodeValue(clear)}), nil
}

// subjectsInScope lists the subjects a mode key covers, sorted: all of them for the global
// key, a context's for `:.ctx:`, otherwise the subject itself (found without a walk over
// every subject).
func (st *state) subjectsInScope(key string) []string {
	q := parseSubject(key)
	var out []string
	switch {
	case key == "" || key == globalConfigKey:
		out = slices.Collect(st.names.withPrefix(""))
	case q.isContext():
		for subject := range st.names.withPrefix(":" + q.ctx + ":") {
			if parseSubject(subject).ctx == q.ctx {
				out = append(out, subject)
			}
		}
	case st.subjects[key] != nil:
		out = []string{key}
	}
	return out
}

// DeleteMode removes the mode of subject ("" = global) and returns the previous one. With
// recursive on a context it also removes the modes of every subject in it.
func (s *Store) DeleteMode(ctx context.Context, subject string, recursive bool) (Mode, error) {
	var prev Mode
	err := s.writeLocked(ctx, func(st *state) ([]Record, error) {
		key := configKey(subject)
		old, ok := st.modes[key]
		if !ok && key != "" && !recursive {
			return nil, errSubjectNotFound(subject)
		}
		prev = old
		if !ok {
			prev = ModeReadWrite
		}
		recs := []Record{modeRecord(key, "")}
		if recursive && parseSubject(key).isContext() {
			for _, sub := range sortedKeys(st.modes) {
				if sub != key && parseSubject(sub).ctx == parseSubject(key).ctx {
					recs = append(recs, modeRecord(sub, ""))
				}
			}
		}
		return recs, nil
	})
	return prev, err
}

// modeRecord is the MODE record for key; mode "" is a tombstone.
func modeRecord(key string, mode Mode) Record {
	rec := Record{Key: encodeKey(recordKey{Type: keyMode, Subject: key})}
	if mode != "" {
		v := modeValue{Mode: mode}
		if key != "" {
			v.Subject = &key
		}
		rec.Value = encodeValue(v)
	}
	return rec
}
