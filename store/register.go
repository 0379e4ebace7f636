package store

import (
	"context"
	"reflect"
	"slices"
	"strconv"

	"github.com/accord-registry/accord/compat"
)

// candidate is a request schema after canonicalisation: what lookups and dedupe compare.
type candidate struct {
	typ      compat.SchemaType
	text     string
	refs     []Reference
	metadata *Metadata
	ruleSet  *RuleSet
	hash     contentHash
}

func newCandidate(typ compat.SchemaType, text string, refs []Reference, md *Metadata, rs *RuleSet) candidate {
	return candidate{typ: typ, text: text, refs: refs, metadata: md, ruleSet: rs, hash: hashContent(text, refs, md, rs)}
}

// Register adds req under subject (POST /subjects/{subject}/versions) and returns the stored
// schema: an existing version when the same schema is already there, otherwise a new version
// after Confluent's mode, compatibility and id checks (KafkaSchemaRegistry.register).
func (s *Store) Register(ctx context.Context, subject string, req SchemaRequest, normalize bool) (Schema, error) {
	req.RuleSet = withKmsDefaults(req.RuleSet)
	if !validSubject(subject, false) {
		return Schema{}, errInvalidSubject(subject)
	}
	subject, err := s.target(ctx, subject)
	if err != nil {
		return Schema{}, err
	}
	// The fast path runs first without parsing, for the common re-registration of a known
	// text; a text it cannot place is parsed as a new schema, outside every lock, and the
	// fast path tries again with that parse's canonical text.
	if out, ok, err := s.registerFastPath(ctx, subject, req, normalize, false); ok || err != nil {
		return out, err
	}
	s.preparse(subject, req, normalize)
	if out, ok, err := s.registerFastPath(ctx, subject, req, normalize, true); ok || err != nil {
		return out, err
	}
	var out Schema
	err = s.writeGrouped(ctx, registrationFootprint(subject, req), func(st *state, g *pendingGroup) ([]Record, error) {
		if err := st.allowReferences(ctx, parseSubject(subject).ctx, req.References); err != nil {
			return nil, err
		}
		r := &registration{ctx: ctx, st: st, group: g, store: s, subject: subject, q: parseSubject(subject), req: req}
		recs, err := r.run(normalize)
		out = r.result
		return recs, err
	})
	return out, err
}

// registerFastPath answers a registration of an already registered schema without taking the
// writer lock and without a compatibility check, as Confluent does: re-registering an older
// version's schema returns that older version. Without parse, it only answers for a text
// whose canonical form is known without parsing (knownCandidate).
func (s *Store) registerFastPath(ctx context.Context, subject string, req SchemaRequest, normalize, parse bool) (Schema, bool, error) {
	if req.Schema == "" || (req.Version != 0 && req.Version != -1) {
		return Schema{}, false, nil
	}
	var out Schema
	found := false
	err := s.read(ctx, func(st *state) error {
		if err := st.allowReferences(ctx, parseSubject(subject).ctx, req.References); err != nil {
			return err
		}
		conf := st.effectiveConfig(subject, s.cfg.DefaultLevel)
		if hasMetadataPolicy(&conf) {
			return nil
		}
		normalize := normalize || isTrue(conf.Normalize)
		var cand candidate
		var err error
		if parse {
			cand, err = st.candidate(subject, req, normalize, false)
		} else if known, ok := st.knownCandidate(subject, req, normalize); ok {
			cand = known
		} else {
			return nil
		}
		if err != nil {
			return err
		}
		keep := isLive
		if req.Version == -1 {
			latest := st.latest(subject)
			keep = func(v *version) bool { return v == latest }
		}
		if v := st.match(subject, cand, keep); v != nil && (req.ID < 0 || req.ID == v.id) {
			out, found = v.schema(), true
		}
		return nil
	})
	return out, found, err
}

// candidate canonicalises a request schema for comparison with stored versions. Lookups of a
// reference-free text seen before skip parsing: its canonical text is cached.
func (st *state) candidate(subject string, req SchemaRequest, normalize, allowDeleted bool) (candidate, error) {
	if cand, ok := st.knownCandidate(subject, req, normalize); ok {
		return cand, nil
	}
	opts := compat.ParseOptions{Normalize: normalize}
	parsed, refs, err := st.parse(parseSubject(subject).ctx, req.Type, req.Schema, req.References, opts, allowDeleted)
	if err != nil {
		return candidate{}, err
	}
	return newCandidate(parsed.Type(), parsed.Canonical(), refs, req.Metadata, req.RuleSet), nil
}

// knownCandidate is the candidate of a reference-free request whose canonical text is known
// without parsing: cached from an earlier parse of the same text (a lenient one, or one as a
// new schema, which parses to the same canonical text: strictness only refuses), or the text
// of a stored version.
func (st *state) knownCandidate(subject string, req SchemaRequest, normalize bool) (candidate, bool) {
	if len(req.References) > 0 {
		return candidate{}, false
	}
	// A stored text first: it is what clients mostly send, and it takes no lock.
	if cand, ok := st.storedCandidate(subject, req, normalize); ok {
		return cand, true
	}
	for _, opts := range []compat.ParseOptions{{Normalize: normalize}, {New: true, Normalize: normalize}} {
		if text, ok := st.parses.canonicalText(parseKey{req.Type, req.Schema, opts}); ok {
			return newCandidate(req.Type, text, nil, req.Metadata, req.RuleSet), true
		}
	}
	return candidate{}, false
}

// storedCandidate is the candidate of a reference-free request whose text is byte for byte
// the text of a stored version of its type in that very subject. Texts Accord stores are
// canonical (registration stores the canonical form), so such a text needs no parse: the
// bounded canonical cache cannot hold every schema of a large registry, and clients mostly
// look up the very text the registry gave them. Not with normalize, whose form may differ.
// Only the subject's own versions count: a text another registry stored as given need not be
// canonical, and taken as canonical for another subject it would miss that subject's version
// of the same schema; in the subject itself, the match finds the very version holding it.
func (st *state) storedCandidate(subject string, req SchemaRequest, normalize bool) (candidate, bool) {
	c := st.contexts[parseSubject(subject).ctx]
	if normalize || c == nil || req.Type == "" {
		return candidate{}, false
	}
	cand := newCandidate(req.Type, req.Schema, nil, req.Metadata, req.RuleSet)
	id, ok := c.hashes[cand.hash]
	if !ok {
		return candidate{}, false
	}
	for _, v := range c.ids[id] {
		if v.subject == subject && v.text == req.Schema && v.typ == req.Type && len(v.refs) == 0 {
			return cand, true
		}
	}
	return candidate{}, false
}

// match finds a version of subject accepted by keep that holds cand: first through the content
// hash, then by comparing each version newest first, as Confluent's lookUpSchemaUnderSubject does.
func (st *state) match(subject string, cand candidate, keep func(*version) bool) *version {
	c := st.contexts[parseSubject(subject).ctx]
	if c != nil {
		if id, ok := c.hashes[cand.hash]; ok {
			if v := newestOf(c.ids[id], func(v *version) bool { return v.subject == subject && keep(v) }); v != nil {
				return v
			}
		}
	}
	nums := st.versionNumbers(subject, keep)
	for i := len(nums) - 1; i >= 0; i-- {
		if v := st.subjects[subject][nums[i]]; st.canLookUp(v, cand) {
			return v
		}
	}
	return nil
}

func newestOf(vs []*version, keep func(*version) bool) *version {
	var best *version
	for _, v := range vs {
		if keep(v) && (best == nil || v.num > best.num) {
			best = v
		}
	}
	return best
}

// canLookUp is Confluent's "same schema" test: same canonical text, metadata (ignoring
// confluent:version) and rule set, and the same references, or none on the request side.
func (st *state) canLookUp(v *version, cand candidate) bool {
	if v.typ != cand.typ || !st.sameText(v, cand.text) {
		return false
	}
	if len(cand.refs) > 0 && !slices.Equal(v.refs, cand.refs) {
		return false
	}
	return reflect.DeepEqual(withoutConfluentVersion(v.metadata), withoutConfluentVersion(cand.metadata)) &&
		reflect.DeepEqual(v.ruleSet, cand.ruleSet)
}

// sameText compares stored text with a canonical candidate. Text stored by another registry
// may be canonicalised differently, so a mismatch is re-checked through our own canonical form.
func (st *state) sameText(v *version, text string) bool {
	if v.text == text {
		return true
	}
	p, err := st.parsedVersion(v)
	return err == nil && p.Canonical() == text
}

func hasMetadataPolicy(c *ConfigRecord) bool {
	return c.DefaultMetadata != nil || c.OverrideMetadata != nil || c.DefaultRuleSet != nil || c.OverrideRuleSet != nil
}

func isTrue(b *bool) bool { return b != nil && *b }

// schema renders a stored version for the API.
func (v *version) schema() Schema {
	return Schema{
		Subject: v.subject, Version: v.num, ID: v.id, GUID: v.hash.GUID(), Type: v.typ, References: v.refs,
		Metadata: v.metadata, RuleSet: v.ruleSet, Text: v.text, Timestamp: v.ts, Deleted: v.deleted,
	}
}

// registration carries one registration through the steps of §4 phase B, under the writer lock.
type registration struct {
	ctx     context.Context // the request's: the compatibility check stops when it ends
	st      *state
	group   *pendingGroup // what earlier writes of its group decided; nil when it has none
	store   *Store
	subject string
	q       qname
	req     SchemaRequest
	conf    ConfigRecord
	mode    Mode
	result  Schema
	cand    candidate
	parsed  *compat.Schema
	version int
}

func (r *registration) run(normalize bool) ([]Record, error) {
	if err := r.ctx.Err(); err != nil {
		return nil, errCheckStopped(err) // the request ended while waiting for the writer lock
	}
	r.conf = r.st.effectiveConfig(r.subject, r.store.cfg.DefaultLevel)
	r.mode = r.st.effectiveMode(r.subject)
	if err := r.checkMode(); err != nil {
		return nil, err
	}
	r.version = r.nextVersion()
	if err := r.prepare(normalize || isTrue(r.conf.Normalize)); err != nil {
		return nil, err
	}
	if err := r.checkStrongReferences(); err != nil {
		return nil, err
	}
	if v := r.existing(); v != nil {
		r.result = v.schema()
		return nil, nil
	}
	if err := r.checkCompatibility(); err != nil {
		return nil, err
	}
	return r.records()
}

// checkStrongReferences refuses a reference to a subject that a topic owns through a STRONG
// association, in every mode (KafkaSchemaRegistry.register).
func (r *registration) checkStrongReferences() error {
	for _, ref := range r.cand.refs {
		if r.st.hasStrongAssociation(parseSubject(qualifyRef(ref.Subject, r.q.ctx)).String()) {
			return Errorf(CodeOperationNotPermitted, "Subject '%s' has a strong association and cannot be referenced", ref.Subject)
		}
	}
	return nil
}

func (r *registration) checkMode() error {
	name, ctx := splitForMessage(r.subject)
	switch {
	case r.mode.readOnly():
		return errReadOnly(r.subject)
	case r.req.ID >= 0 && !r.mode.importing():
		return Errorf(CodeOperationNotPermitted, "Subject %s in context %s is not in import mode", name, ctx)
	case r.req.ID < 0 && r.mode != ModeReadWrite:
		return Errorf(CodeOperationNotPermitted, "Subject %s in context %s is not in read-write mode", name, ctx)
	}
	return nil
}

// nextVersion is one more than the highest version, soft-deleted ones included.
func (r *registration) nextVersion() int {
	nums := r.st.versionNumbers(r.subject, isAny)
	if len(nums) == 0 {
		return 1
	}
	return nums[len(nums)-1] + 1
}

// prepare fills an empty schema from the latest version, merges metadata and rule sets with
// the config, and parses and canonicalises the result.
func (r *registration) prepare(normalize bool) error {
	req := r.req
	if !r.mode.importing() {
		latest := r.st.latest(r.subject)
		if req.Schema == "" {
			if latest == nil {
				return errInvalidSchema("Empty schema")
			}
			req.Schema, req.Type, req.References = latest.text, latest.typ, latest.refs
		}
		r.mergeDataContract(&req, latest)
	}
	if err := normalizeRuleSet(req.RuleSet); err != nil {
		return err
	}
	opts := registrationParseOptions(req, r.mode, normalize)
	parsed, refs, err := r.st.parse(r.q.ctx, req.Type, req.Schema, req.References, opts, !opts.New)
	if err != nil {
		return err
	}
	r.parsed = parsed
	r.cand = newCandidate(parsed.Type(), parsed.Canonical(), refs, req.Metadata, req.RuleSet)
	if len(refs) == 0 && standsForStoredParse(parsed, req.Schema, opts) {
		// The record holds the canonical text, which a shared log's reader checks as a stored
		// schema when it delivers the record back. This parse is that check's answer: a text
		// that parses strictly parses leniently, and its canonical text to the same schema
		// (FuzzStrictParseCanonicalIsLenient).
		r.st.parses.put(parseKey{parsed.Type(), parsed.Canonical(), compat.ParseOptions{}}, parsed)
	}
	return nil
}

// standsForStoredParse reports whether the parse of a registration's text is the parse of its
// canonical text as stored, in everything a reader may ask of it (canonical text, formats,
// compatibility messages and their order). A normalised parse is not: JSON Schema's stored
// text has its keys sorted while the parse compares properties in the request's order, so a
// later check lists its messages otherwise. Avro's parse is determined by its canonical text.
// A Protobuf parse describes the fields in the order of the text parsed, and its printer moves
// a message's plain fields before its oneofs, so its "serialized" descriptor is the stored
// text's only when it parsed that very text.
func standsForStoredParse(parsed *compat.Schema, text string, opts compat.ParseOptions) bool {
	switch {
	case opts.Normalize:
		return false
	case parsed.Type() == compat.TypeProtobuf:
		return text == parsed.Canonical()
	}
	return true
}

// mergeDataContract applies config defaults and overrides to the request's metadata and rule
// set (falling back to the latest version's), and stamps confluent:version when asked to.
func (r *registration) mergeDataContract(req *SchemaRequest, latest *version) {
	md, rs := req.Metadata, req.RuleSet
	if latest != nil {
		md = firstSet(md, latest.metadata)
		rs = firstSet(rs, latest.ruleSet)
	}
	req.Metadata = mergeMetadata(r.conf.DefaultMetadata, md, r.conf.OverrideMetadata)
	req.RuleSet = mergeRuleSets(r.conf.DefaultRuleSet, rs, r.conf.OverrideRuleSet)
	_, stamped := req.Metadata.properties()[confluentVersionKey]
	if req.Version > 0 || stamped {
		v := r.version
		if req.Version > 0 {
			v = req.Version
		}
		req.Metadata = mergeMetadata(req.Metadata, &Metadata{Properties: map[string]string{confluentVersionKey: strconv.Itoa(v)}})
	}
}

func (m *Metadata) properties() map[string]string {
	if m == nil {
		return nil
	}
	return m.Properties
}

// existing returns a live version of the subject that already holds the candidate, when the
// request allows answering with it (§4 steps 6 and 7).
func (r *registration) existing() *version {
	if r.req.Version != 0 {
		return nil
	}
	v := r.st.match(r.subject, r.cand, isLive)
	if v != nil && (r.req.ID < 0 || r.req.ID == v.id) {
		return v
	}
	return nil
}

func (r *registration) checkCompatibility() error {
	if r.mode.importing() {
		return nil
	}
	prev, err := r.st.previousSchemas(r.subject, &r.conf, r.cand.metadata)
	if err != nil {
		return err
	}
	res, err := compat.Check(r.ctx, r.parsed, prev, r.st.checkOptions(&r.conf, r.parsed, r.cand.metadata, r.subject))
	if err != nil {
		return errCheckStopped(err)
	}
	if !res.Compatible {
		return errIncompatible(r.store.cfg.IncompatibleCode, r.subject, res.Messages)
	}
	return nil
}

// checkOptions builds the compatibility check for a new schema under conf, including the
// reserved-field validation when validateFields is on.
func (st *state) checkOptions(conf *ConfigRecord, next *compat.Schema, md *Metadata, subject string) compat.CheckOptions {
	opts := compat.CheckOptions{Level: *conf.CompatibilityLevel, ValidateFields: isTrue(conf.ValidateFields),
		LegacyProtobufOneof: st.legacyProtobufOneof}
	if conf.CompatibilityPolicy != nil && compat.Policy(*conf.CompatibilityPolicy) == compat.PolicyLenient {
		opts.Policy = compat.PolicyLenient
	}
	if opts.ValidateFields {
		opts.FieldMessages = reservedFieldMessages(next, md, st.latest(subject))
	}
	return opts
}

// previousSchemas returns the live versions a new schema is checked against, oldest first,
// restricted to the same compatibilityGroup value when the config names one, and to those
// the level compares (compared): only those are parsed.
func (st *state) previousSchemas(subject string, conf *ConfigRecord, md *Metadata) ([]compat.Previous, error) {
	var vs []*version
	for _, v := range st.live(subject) {
		if conf.CompatibilityGroup != nil && *conf.CompatibilityGroup != "" {
			g := *conf.CompatibilityGroup
			if v.metadata.properties()[g] != md.properties()[g] {
				continue
			}
		}
		vs = append(vs, v)
	}
	var out []compat.Previous
	for _, v := range compared(*conf.CompatibilityLevel, vs) {
		p, err := st.parsedVersion(v)
		if err != nil {
			return nil, err
		}
		out = append(out, compat.Previous{Schema: p, Version: v.num})
	}
	return out, nil
}

// compared returns the versions, of vs oldest first, that a check at level compares: none
// under NONE, the newest under a level that is not transitive, all of them otherwise. As
// Confluent's checkers read the previous versions lazily, a version compared with nothing
// is never parsed: a registration does not pay to parse a subject's history it does not
// compare, and text that does not parse (a trusted topic's, Config.TrustSchemaText) in a
// version it does not compare does not stop it.
func compared(level compat.Level, vs []*version) []*version {
	switch {
	case level == compat.LevelNone:
		return nil
	case !level.Transitive() && len(vs) > 0:
		return vs[len(vs)-1:]
	}
	return vs
}

// records builds the writes of §4 step 9: the context announcement, the version and id
// decisions, tombstones for superseded soft-deleted copies, and the SCHEMA record.
func (r *registration) records() ([]Record, error) {
	num, err := r.chooseVersion()
	if err != nil {
		return nil, err
	}
	id, err := r.chooseID()
	if err != nil {
		return nil, err
	}
	r.group.stage(r.q.ctx, r.cand.hash, id)
	var recs []Record
	if c := r.st.contexts[r.q.ctx]; r.q.ctx != defaultContext && (c == nil || !c.announced) && !r.group.announced(r.q.ctx) {
		recs = append(recs, Record{Key: encodeKey(recordKey{Type: keyContext, Context: r.q.ctx}),
			Value: encodeValue(contextValue{Tenant: "default", Context: r.q.ctx})})
	}
	recs = append(recs, r.supersededTombstones(id, num)...)
	value := schemaValue{Subject: r.subject, Version: num, ID: id, SchemaType: r.cand.typ, References: r.cand.refs,
		Metadata: r.cand.metadata, RuleSet: r.cand.ruleSet, Schema: r.cand.text}
	recs = append(recs, Record{Key: encodeKey(recordKey{Type: keySchema, Subject: r.subject, Version: num}), Value: encodeValue(value)})
	r.result = Schema{Subject: r.subject, Version: num, ID: id, GUID: r.cand.hash.GUID(), Type: r.cand.typ,
		References: r.cand.refs, Metadata: r.cand.metadata, RuleSet: r.cand.ruleSet, Text: r.cand.text}
	return recs, nil
}

func (r *registration) chooseVersion() (int, error) {
	switch {
	case r.req.Version <= 0:
		return r.version, nil
	case r.req.Version != r.version && !r.mode.importing():
		return 0, errInvalidSchema("Version is not one more than previous version")
	}
	return r.req.Version, nil
}

// chooseID reuses the id of identical content in the context (stored, or given by an earlier
// write of the group), takes an imported id after checking it does not name different
// content, or allocates the id after the largest stored or pending one.
func (r *registration) chooseID() (int, error) {
	// Read-only: the writer holds wmu but not mu, so it must not create the context here;
	// apply does that when the record lands.
	c := r.st.contexts[r.q.ctx]
	if c == nil {
		c = &contextState{}
	}
	id := r.req.ID
	if known, ok := c.hashes[r.cand.hash]; ok && len(c.ids[known]) > 0 && (id < 0 || id == known) {
		id = known
	} else if pending, ok := r.group.idFor(r.q.ctx, r.cand.hash); ok && id < 0 {
		id = pending
	}
	if id < 0 {
		return nextID(max(c.maxID, r.store.cfg.IDFloor, r.group.maxID(r.q.ctx)), r.q.ctx)
	}
	for _, v := range c.ids[id] {
		if v.hash != r.cand.hash || v.typ != r.cand.typ {
			return 0, Errorf(CodeOperationNotPermitted, "Overwrite new schema with id %d in context %s is not permitted.", id, r.q.ctx)
		}
	}
	return id, nil
}

// nextID allocates the id after maxID. Past [MaxID] it refuses rather than wrap or exceed
// what a 4-byte id can hold: the id space of the context is used up (in practice only after an
// import took the largest id), and an administrator must decide what to do.
func nextID(maxID int, ctx string) (int, error) {
	if maxID >= MaxID {
		return 0, Errorf(CodeStoreError, "No schema id left to allocate in context %s: id %d is taken and ids above it do not fit the 4-byte schema id of the wire format", ctx, MaxID)
	}
	return maxID + 1, nil
}

// supersededTombstones removes soft-deleted versions of this subject that hold the same id at
// a lower version, unless something references them.
func (r *registration) supersededTombstones(id, num int) []Record {
	var recs []Record
	for _, old := range r.st.versionNumbers(r.subject, isDeleted) {
		v := r.st.subjects[r.subject][old]
		if v.id == id && old < num && !r.st.referencedByAny(r.subject, old) {
			recs = append(recs, Record{Key: encodeKey(recordKey{Type: keySchema, Subject: r.subject, Version: old})})
		}
	}
	return recs
}

// referencedByAny reports whether any stored schema, soft-deleted ones included, references
// subject-version.
func (st *state) referencedByAny(subject string, num int) bool {
	return len(st.referrers[refKey{subject, num}]) > 0
}

// Lookup answers POST /subjects/{subject}: the version of subject that holds req (§5).
func (s *Store) Lookup(ctx context.Context, subject string, req SchemaRequest, normalize, deleted bool) (Schema, error) {
	var out Schema
	err := s.read(ctx, func(st *state) error {
		subject, err := st.served(ctx, subject, deleted)
		if err != nil {
			return err
		}
		if err := st.allowReferences(ctx, parseSubject(subject).ctx, req.References); err != nil {
			return err
		}
		conf := st.effectiveConfig(subject, s.cfg.DefaultLevel)
		cand, err := st.candidate(subject, req, normalize || isTrue(conf.Normalize), true)
		if err != nil {
			return err
		}
		v := st.match(subject, cand, visible(deleted))
		if v == nil && !st.hasVersions(subject, visible(deleted)) {
			return errSubjectNotFound(subject) // asked only now: a match is a visible version
		}
		if v == nil && hasMetadataPolicy(&conf) {
			v = st.matchWithPolicy(subject, cand, &conf, deleted)
		}
		if v == nil {
			return errSchemaNotFound()
		}
		out = v.schema()
		return nil
	})
	return out, err
}

// matchWithPolicy retries a lookup after populating metadata and rule set from the config and
// the latest version, as registration would have (§5 step 4).
func (st *state) matchWithPolicy(subject string, cand candidate, conf *ConfigRecord, deleted bool) *version {
	latest := st.latest(subject)
	md, rs := cand.metadata, cand.ruleSet
	if latest != nil {
		md, rs = firstSet(md, latest.metadata), firstSet(rs, latest.ruleSet)
	}
	md = mergeMetadata(conf.DefaultMetadata, md, conf.OverrideMetadata)
	rs = mergeRuleSets(conf.DefaultRuleSet, rs, conf.OverrideRuleSet)
	return st.match(subject, newCandidate(cand.typ, cand.text, cand.refs, md, rs), visible(deleted))
}

// onlyDefaultContext reports whether no context but the default one was ever used: then no
// subject can fall back to another, and resolving one needs no look at its versions.
func (st *state) onlyDefaultContext() bool {
	return len(st.contexts) == 0 || (len(st.contexts) == 1 && st.contexts[defaultContext] != nil)
}

// resolveSubject returns subject, or, when an unqualified subject has no versions in the
// default context, the same name in the first other context that has it (Confluent's
// fallback for clients that do not know about contexts).
func (st *state) resolveSubject(subject string, deleted bool) string {
	q := parseSubject(subject)
	if q.ctx != defaultContext || (subject == q.name && st.onlyDefaultContext()) || st.hasVersions(subject, visible(deleted)) {
		return q.String()
	}
	for _, ctx := range sortedKeys(st.contexts) {
		other := qname{ctx: ctx, name: q.name}.String()
		if ctx != defaultContext && st.hasVersions(other, visible(deleted)) {
			return other
		}
	}
	return subject
}
