package store

import (
	"context"
	"slices"
	"sort"
	"strings"
)

// Latest is the version number that means "the newest live version".
const Latest = -1

// Version answers GET /subjects/{subject}/versions/{version}. num is a version or [Latest];
// latest never resolves to a soft-deleted version, even with deleted.
func (s *Store) Version(ctx context.Context, subject string, num int, deleted bool) (Schema, error) {
	var out Schema
	err := s.read(ctx, func(st *state) error {
		served, err := st.served(ctx, subject, deleted)
		if err != nil {
			return err
		}
		v, err := st.findVersion(served, num, deleted)
		if err == nil {
			out = v.schema()
		}
		return err
	})
	return out, err
}

func (st *state) findVersion(subject string, num int, deleted bool) (*version, error) {
	var v *version
	if num == Latest {
		v = st.latest(subject)
	} else if cand := st.subjects[subject][num]; cand != nil && (deleted || !cand.deleted) {
		v = cand
	}
	if v != nil {
		return v, nil
	}
	if !st.hasVersions(subject, visible(deleted)) {
		return nil, errSubjectNotFound(subject)
	}
	return nil, errVersionNotFound(num)
}

// VersionsOptions selects which versions [Store.Versions] lists.
type VersionsOptions struct {
	Deleted           bool // include soft-deleted versions
	DeletedOnly       bool // only soft-deleted versions
	DeletedAsNegative bool // include soft-deleted versions as negative numbers
}

// Versions answers GET /subjects/{subject}/versions.
func (s *Store) Versions(ctx context.Context, subject string, opts VersionsOptions) ([]int, error) {
	var out []int
	err := s.read(ctx, func(st *state) error {
		keep := visible(opts.Deleted || opts.DeletedAsNegative)
		if opts.DeletedOnly {
			keep = isDeleted
		}
		withDeleted := opts.Deleted || opts.DeletedOnly || opts.DeletedAsNegative
		subject, err := st.served(ctx, subject, withDeleted)
		if err != nil {
			return err
		}
		if !st.hasVersions(subject, visible(withDeleted)) {
			return errSubjectNotFound(subject)
		}
		out = st.versionNumbers(subject, keep)
		if out == nil {
			out = []int{}
		}
		if opts.DeletedAsNegative {
			for i, n := range out {
				if st.subjects[subject][n].deleted {
					out[i] = -n
				}
			}
		}
		return nil
	})
	return out, err
}

// SubjectsOptions selects which subjects [Store.Subjects] lists.
type SubjectsOptions struct {
	Prefix      string // subjectPrefix; "" means every context (`:*:`)
	Deleted     bool
	DeletedOnly bool
	Page
}

// Page selects a page of a list: Keep drops the items the caller may not see (before the
// page is counted), Offset skips that many of the kept ones, and Limit, when positive, keeps
// at most that many. A page costs what it skips and returns, not the whole list: the subjects
// are walked in order from where the prefix starts.
type Page struct {
	Offset, Limit int
	Keep          func(subject string) bool
}

// keep reports whether the caller may see subject.
func (p Page) keep(subject string) bool { return p.Keep == nil || p.Keep(subject) }

// full reports whether n items fill the page.
func (p Page) full(n int) bool { return p.Limit > 0 && n >= p.Limit }

// Subjects answers GET /subjects: sorted qualified names. A subject is deleted when all its
// versions are soft-deleted.
func (s *Store) Subjects(ctx context.Context, opts SubjectsOptions) ([]string, error) {
	prefix := opts.Prefix
	if prefix == "" {
		prefix = wildcardPrefix
	}
	out := []string{}
	err := s.read(ctx, func(st *state) error {
		candidates, skip := st.names.candidates(prefix), opts.Offset
		if prefix == wildcardPrefix && !opts.Deleted && !opts.DeletedOnly && opts.Keep == nil {
			// The default listing: whole blocks of visible subjects are skipped by count.
			var skipped int
			candidates, skipped = st.names.visibleFrom(opts.Offset)
			skip -= skipped
		}
		for subject := range candidates {
			if !matchesPrefix(subject, prefix) {
				continue
			}
			live := st.latest(subject) != nil
			if !((opts.DeletedOnly && !live) || (!opts.DeletedOnly && (live || opts.Deleted))) || !opts.keep(subject) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, subject)
			if opts.full(len(out)) {
				break
			}
		}
		return nil
	})
	return out, err
}

// SchemasOptions selects what [Store.Schemas] lists.
type SchemasOptions struct {
	Prefix     string
	Deleted    bool
	LatestOnly bool
	RuleType   string
	// Aliases adds, to each schema, the subjects within the prefix whose alias points at its
	// subject, and lists those alias targets even when they are outside the prefix.
	Aliases bool
	// Associations, when set, keeps only the schemas whose subject's associations match it and
	// attaches those associations.
	Associations *SchemaAssociations
	Page
}

// Schemas answers GET /schemas: schema versions sorted by subject then version. Offset and
// Limit count schemas; Keep selects subjects.
func (s *Store) Schemas(ctx context.Context, opts SchemasOptions) ([]Schema, error) {
	out := []Schema{}
	err := s.read(ctx, func(st *state) error {
		aliases := map[string][]string{}
		if opts.Aliases {
			aliases = st.aliasesByTarget(opts.Prefix)
		}
		var assocs map[string][]Association
		if opts.Associations != nil {
			assocs = opts.Associations.bySubject(st)
		}
		candidates := st.names.candidates(opts.Prefix)
		if len(aliases) > 0 {
			candidates = st.names.withPrefix("")
		}
		skip := opts.Offset
		for subject := range candidates {
			if !matchesPrefix(subject, opts.Prefix) && aliases[subject] == nil || !opts.keep(subject) {
				continue
			}
			attached, listed := assocs[subject], true
			if opts.Associations != nil {
				attached, listed = opts.Associations.attach(attached)
			}
			if !listed {
				continue
			}
			for _, sc := range st.listed(subject, opts) {
				if skip > 0 {
					skip--
					continue
				}
				sc.Aliases, sc.Associations = aliases[subject], attached
				out = append(out, sc)
				if opts.full(len(out)) {
					return nil
				}
			}
		}
		return nil
	})
	return out, err
}

// aliasesByTarget maps each alias target to the subjects within prefix that alias it.
func (st *state) aliasesByTarget(prefix string) map[string][]string {
	out := map[string][]string{}
	for _, key := range sortedKeys(st.configs) {
		if key == "" || !matchesPrefix(key, prefix) {
			continue
		}
		if target := st.aliasTarget(key); target != key {
			out[target] = append(out[target], key)
		}
	}
	return out
}

func (st *state) listed(subject string, opts SchemasOptions) []Schema {
	var out []Schema
	for _, num := range st.versionNumbers(subject, visible(opts.Deleted)) {
		v := st.subjects[subject][num]
		if opts.RuleType == "" || hasRuleType(v.ruleSet, opts.RuleType) {
			out = append(out, v.schema())
		}
	}
	if opts.LatestOnly && len(out) > 1 {
		out = out[len(out)-1:]
	}
	return out
}

func hasRuleType(rs *RuleSet, typ string) bool {
	if rs == nil {
		return false
	}
	for _, group := range [][]Rule{rs.MigrationRules, rs.DomainRules, rs.EncodingRules} {
		if slices.ContainsFunc(group, func(r Rule) bool { return r.Type == typ }) {
			return true
		}
	}
	return false
}

// SchemaByID answers GET /schemas/ids/{id}. subject selects the context (default context when
// empty) and, when it names a subject that has the id, which subject-version is reported.
func (s *Store) SchemaByID(ctx context.Context, id int, subject string, fetchMaxID bool) (Schema, error) {
	var out Schema
	err := s.read(ctx, func(st *state) error {
		v, c := st.versionForID(id, st.aliasTarget(subject))
		if v == nil {
			return errSchemaIDNotFound(id)
		}
		out = v.schema()
		if fetchMaxID {
			out.MaxID = c.maxID
		}
		return nil
	})
	return out, err
}

// versionForID resolves an id in the context subject selects, in Confluent's order: first
// the named subject's newest version holding the id; then, for an unqualified subject unknown
// in the default context, the same name in every other context; then any subject in the
// selected context.
func (st *state) versionForID(id int, subject string) (*version, *contextState) {
	q := parseSubject(subject)
	if v, c := st.idInSubject(id, q); v != nil {
		return v, c
	}
	if subject != "" && q.ctx == defaultContext && st.subjects[subject] == nil {
		for _, name := range sortedKeys(st.contexts) {
			if v, c := st.idInSubject(id, qname{ctx: name, name: q.name}); v != nil {
				return v, c
			}
		}
	}
	if c := st.contexts[q.ctx]; c != nil && len(c.ids[id]) > 0 {
		return preferLive(c.ids[id]), c
	}
	return nil, nil
}

// idInSubject returns the newest version of subject q that holds id.
func (st *state) idInSubject(id int, q qname) (*version, *contextState) {
	c := st.contexts[q.ctx]
	if c == nil {
		return nil, nil
	}
	full := q.String()
	return newestOf(c.ids[id], func(v *version) bool { return v.subject == full }), c
}

// preferLive picks a deterministic representative: the first live version in subject order,
// else the first.
func preferLive(vs []*version) *version {
	sorted := slices.Clone(vs)
	sort.Slice(sorted, func(i, j int) bool { return lessSV(sorted[i], sorted[j]) })
	if i := slices.IndexFunc(sorted, isLive); i >= 0 {
		return sorted[i]
	}
	return sorted[0]
}

func lessSV(a, b *version) bool {
	if a.subject != b.subject {
		return a.subject < b.subject
	}
	return a.num < b.num
}

// IDVersions answers GET /schemas/ids/{id}/versions (and, by subject, /subjects): the
// subject-versions in the id's context whose content is the id's, one version per subject.
func (s *Store) IDVersions(ctx context.Context, id int, subject string, deleted bool) ([]SubjectVersion, error) {
	out := []SubjectVersion{}
	err := s.read(ctx, func(st *state) error {
		v, c := st.versionForID(id, st.aliasTarget(subject))
		if v == nil {
			return errSchemaNotFound()
		}
		perSubject := map[string]*version{}
		for _, other := range c.ids[id] {
			if (deleted || !other.deleted) && other.hash == v.hash {
				if cur := perSubject[other.subject]; cur == nil || other.num > cur.num {
					perSubject[other.subject] = other
				}
			}
		}
		for _, sub := range sortedKeys(perSubject) {
			out = append(out, SubjectVersion{Subject: sub, Version: perSubject[sub].num})
		}
		return nil
	})
	return out, err
}

// SchemaByGUID answers GET /schemas/guids/{guid}: the default context first, then the others.
// The Schema names one subject-version holding it; the API does not report them.
func (s *Store) SchemaByGUID(ctx context.Context, guid string) (Schema, error) {
	var out Schema
	err := s.read(ctx, func(st *state) error {
		ids := st.guidIDs(strings.ToLower(guid))
		if len(ids) == 0 {
			return errSchemaGUIDNotFound(guid)
		}
		out = preferLive(st.contexts[ids[0].Context].ids[ids[0].ID]).schema()
		return nil
	})
	return out, err
}

// GUIDIDs answers GET /schemas/guids/{guid}/ids.
func (s *Store) GUIDIDs(ctx context.Context, guid string) ([]ContextID, error) {
	var out []ContextID
	err := s.read(ctx, func(st *state) error {
		out = st.guidIDs(strings.ToLower(guid))
		return nil
	})
	return out, err
}

// guidIDs lists the (context, id) pairs whose content hash is guid: the default context first,
// then the others sorted.
func (st *state) guidIDs(guid string) []ContextID {
	out := []ContextID{}
	h, ok := parseGUID(guid)
	if !ok {
		return out
	}
	names := append([]string{defaultContext}, sortedKeys(st.contexts)...)
	for i, name := range names {
		if c := st.contexts[name]; c != nil && (i == 0 || name != defaultContext) {
			if id, ok := c.hashes[h]; ok && len(c.ids[id]) > 0 {
				out = append(out, ContextID{Context: name, ID: id})
			}
		}
	}
	return out
}

// ReferencedBy answers GET /subjects/{subject}/versions/{version}/referencedby: ids of the
// schemas whose references name that subject-version, sorted by context then id.
func (s *Store) ReferencedBy(ctx context.Context, subject string, num int, deleted bool) ([]int, error) {
	out := []int{}
	err := s.read(ctx, func(st *state) error {
		subject, err := st.served(ctx, subject, true)
		if err != nil {
			return err
		}
		v, err := st.findVersion(subject, num, true)
		if err != nil {
			return err
		}
		out = st.referrerIDs(subject, v.num, deleted, guardOf(ctx))
		return nil
	})
	return out, err
}

// referrerIDs lists the ids of the referrers of subject-version that g may read.
func (st *state) referrerIDs(subject string, num int, deleted bool, g Guard) []int {
	type cid struct {
		ctx string
		id  int
	}
	seen := map[cid]bool{}
	var keys []cid
	for r := range st.referrers[refKey{subject, num}] {
		k := cid{r.q.ctx, r.id}
		if !seen[k] && (deleted || st.latest(r.subject) != nil) && g.AllowRead(r.subject) == nil {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].ctx < keys[j].ctx || keys[i].ctx == keys[j].ctx && keys[i].id < keys[j].id
	})
	out := make([]int, len(keys))
	for i, k := range keys {
		out[i] = k.id
	}
	return out
}

// SubjectMetadata answers GET /subjects/{subject}/metadata: the newest version whose metadata
// properties contain every pair.
func (s *Store) SubjectMetadata(ctx context.Context, subject string, pairs map[string]string, deleted bool) (Schema, error) {
	var out Schema
	err := s.read(ctx, func(st *state) error {
		subject, err := st.served(ctx, subject, deleted)
		if err != nil {
			return err
		}
		nums := st.versionNumbers(subject, visible(deleted))
		if len(nums) == 0 {
			return errSubjectNotFound(subject)
		}
		for i := len(nums) - 1; i >= 0; i-- {
			v := st.subjects[subject][nums[i]]
			if containsPairs(v.metadata.properties(), pairs) {
				out = v.schema()
				return nil
			}
		}
		return errSchemaNotFound()
	})
	return out, err
}

func containsPairs(props, pairs map[string]string) bool {
	for k, want := range pairs {
		if got, ok := props[k]; !ok || got != want {
			return false
		}
	}
	return true
}

// Contexts answers GET /contexts: "." first, then every announced context, sorted.
func (s *Store) Contexts(ctx context.Context) ([]string, error) {
	out := []string{defaultContext}
	err := s.read(ctx, func(st *state) error {
		for _, name := range sortedKeys(st.contexts) {
			if name != defaultContext && st.contexts[name].announced {
				out = append(out, name)
			}
		}
		return nil
	})
	return out, err
}

// DeleteContext answers DELETE /contexts/{context}: refused while any subject, soft-deleted
// ones included, lives in it.
func (s *Store) DeleteContext(ctx context.Context, name string) error {
	name = strings.Trim(name, ":")
	if name == "" {
		name = defaultContext
	}
	return s.writeLocked(ctx, func(st *state) ([]Record, error) {
		for subject := range st.subjects {
			if parseSubject(subject).ctx == name {
				return nil, Errorf(CodeContextNotEmpty, "The specified context '%s' is not empty.", name)
			}
		}
		return []Record{{Key: encodeKey(recordKey{Type: keyContext, Context: name})}}, nil
	})
}
