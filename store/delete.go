package store

import "context"

// DeleteSubject answers DELETE /subjects/{subject}. Unlike reads, deletes
// never fall back to a same-named subject in another context. A soft delete writes
// one DELETE_SUBJECT record and returns the versions that were live; a permanent delete, only
// allowed after a soft delete, tombstones every version and the subject's config and mode.
func (s *Store) DeleteSubject(ctx context.Context, subject string, permanent bool) ([]int, error) {
	var out []int
	subject, err := s.target(ctx, subject)
	if err != nil {
		return nil, err
	}
	err = s.writeLocked(ctx, func(st *state) ([]Record, error) {
		if len(st.subjects[subject]) == 0 {
			return nil, errSubjectNotFound(subject)
		}
		if st.effectiveMode(subject).readOnly() {
			return nil, errReadOnly(subject)
		}
		// KafkaSchemaRegistry.deleteSubject: a subject bound to a resource stays.
		if st.hasAssociations(subject) {
			return nil, errAssociationForSubject(subject)
		}
		var recs []Record
		var err error
		if permanent {
			out, recs, err = st.hardDeleteSubject(subject)
		} else {
			out, recs, err = st.softDeleteSubject(subject)
		}
		return recs, err
	})
	return out, err
}

func (st *state) softDeleteSubject(subject string) ([]int, []Record, error) {
	live := st.versionNumbers(subject, isLive)
	if len(live) == 0 {
		return nil, nil, errSubjectSoftDeleted(subject)
	}
	for _, num := range live {
		if st.referencedByOtherLive(subject, num) {
			return nil, nil, errReferenceExists(subject, num)
		}
	}
	value := deleteSubjectValue{Subject: subject, Version: live[len(live)-1]}
	rec := Record{Key: encodeKey(recordKey{Type: keyDeleteSubject, Subject: subject}), Value: encodeValue(value)}
	return live, []Record{rec}, nil
}

func (st *state) hardDeleteSubject(subject string) ([]int, []Record, error) {
	all := st.versionNumbers(subject, isAny)
	for _, num := range all {
		if st.referencedByOther(subject, num) {
			return nil, nil, errReferenceExists(subject, num)
		}
		if !st.subjects[subject][num].deleted {
			return nil, nil, errSubjectNotSoftDeleted(subject)
		}
	}
	var recs []Record
	for i := len(all) - 1; i >= 0; i-- {
		recs = append(recs, Record{Key: encodeKey(recordKey{Type: keySchema, Subject: subject, Version: all[i]})})
	}
	return all, append(recs, st.subjectSettingTombstones(subject)...), nil
}

// subjectSettingTombstones removes a subject's mode and config once it has no versions left.
func (st *state) subjectSettingTombstones(subject string) []Record {
	var recs []Record
	if _, ok := st.modes[subject]; ok {
		recs = append(recs, modeRecord(subject, ""))
	}
	if st.configs[subject] != nil {
		recs = append(recs, Record{Key: encodeKey(recordKey{Type: keyConfig, Subject: subject})})
	}
	return recs
}

// DeleteVersion answers DELETE /subjects/{subject}/versions/{version} and returns the concrete
// version number deleted.
func (s *Store) DeleteVersion(ctx context.Context, subject string, num int, permanent bool) (int, error) {
	var out int
	subject, err := s.target(ctx, subject)
	if err != nil {
		return 0, err
	}
	err = s.writeLocked(ctx, func(st *state) ([]Record, error) {
		v, err := st.versionToDelete(subject, num, permanent)
		if err != nil {
			return nil, err
		}
		if st.effectiveMode(subject).readOnly() {
			return nil, errReadOnly(subject)
		}
		// KafkaSchemaRegistry.deleteSchemaVersion: an associated subject keeps a live version.
		if !permanent && st.hasAssociations(subject) && len(st.live(subject)) == 1 {
			return nil, errNoActiveVersion(subject)
		}
		out = v.num
		if permanent {
			return st.hardDeleteVersion(v)
		}
		return st.softDeleteVersion(v)
	})
	return out, err
}

// versionToDelete resolves the version a delete names: a soft delete of an already
// soft-deleted version is 40406; a permanent delete may name soft-deleted versions.
func (st *state) versionToDelete(subject string, num int, permanent bool) (*version, error) {
	if v := st.subjects[subject][num]; v != nil && v.deleted && !permanent {
		return nil, errVersionSoftDeleted(subject, num)
	}
	return st.findVersion(subject, num, permanent)
}

func (st *state) softDeleteVersion(v *version) ([]Record, error) {
	if st.referencedByLive(v.subject, v.num) {
		return nil, errReferenceExists(v.subject, v.num)
	}
	value := schemaValue{Subject: v.subject, Version: v.num, ID: v.id, SchemaType: v.typ, References: v.refs,
		Metadata: v.metadata, RuleSet: v.ruleSet, Schema: v.text, Deleted: true}
	return []Record{{Key: encodeKey(recordKey{Type: keySchema, Subject: v.subject, Version: v.num}), Value: encodeValue(value)}}, nil
}

func (st *state) hardDeleteVersion(v *version) ([]Record, error) {
	if st.referencedByAny(v.subject, v.num) {
		return nil, errReferenceExists(v.subject, v.num)
	}
	if !v.deleted {
		return nil, errVersionNotSoftDeleted(v.subject, v.num)
	}
	recs := []Record{{Key: encodeKey(recordKey{Type: keySchema, Subject: v.subject, Version: v.num})}}
	if len(st.subjects[v.subject]) == 1 {
		recs = append(recs, st.subjectSettingTombstones(v.subject)...)
	}
	return recs, nil
}

// referencedByLive reports whether a live version of any subject references subject-version.
func (st *state) referencedByLive(subject string, num int) bool {
	for r := range st.referrers[refKey{subject, num}] {
		if !r.deleted {
			return true
		}
	}
	return false
}

// referencedByOtherLive is referencedByLive ignoring the subject's own versions.
func (st *state) referencedByOtherLive(subject string, num int) bool {
	for r := range st.referrers[refKey{subject, num}] {
		if !r.deleted && r.subject != subject {
			return true
		}
	}
	return false
}

// referencedByOther reports whether another subject, soft-deleted versions included,
// references subject-version.
func (st *state) referencedByOther(subject string, num int) bool {
	for r := range st.referrers[refKey{subject, num}] {
		if r.subject != subject {
			return true
		}
	}
	return false
}
