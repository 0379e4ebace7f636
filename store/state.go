package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"

	"github.com/accord-registry/accord/compat"
)

// version is one stored subject-version, as the last SCHEMA record for its key left it.
type version struct {
	subject  string // qualified
	q        qname
	num      int
	id       int
	typ      compat.SchemaType
	refs     []Reference
	metadata *Metadata
	ruleSet  *RuleSet
	text     string
	deleted  bool
	ts       int64
	hash     contentHash
	// alone backs the slice of one version the id indexes hold for an id no other version
	// has (most ids): a replay would otherwise allocate one for each version.
	alone [1]*version
}

// MaxID is the largest schema id: ids are Java ints in Confluent's API and 4-byte signed
// integers in the wire format's prefix, so a larger one could not be written into a record.
const MaxID = math.MaxInt32

// contextState is the per-context part of the registry: Confluent gives each context its own
// id sequence and its own content-hash → id map.
type contextState struct {
	announced bool // a CONTEXT record exists
	maxID     int
	ids       map[int][]*version
	hashes    map[contentHash]int
}

// refKey names a referenced subject-version, subject qualified.
type refKey struct {
	subject string
	version int
}

// state is the registry as the pure result of applying log records in order. It does no I/O;
// the Store owns locking.
type state struct {
	offset   int64 // offset of the last applied record, -1 before any
	subjects map[string]map[int]*version
	// names holds the keys of subjects in order, for the list endpoints' pages.
	names     sortedNames
	contexts  map[string]*contextState
	configs   map[string]*ConfigRecord // "" = global, ":.ctx:" = context, otherwise a qualified subject
	modes     map[string]Mode
	referrers map[refKey]map[*version]struct{}
	// associations are the ASSOC records' associations (nil until the first).
	associations map[assocKey]Association
	// keks and deks are the DEK Registry's keys (nil until the first KEK or DEK record).
	keks map[string]*Kek
	deks map[dekID]*Dek
	// exporters are Schema Linking's exporters (nil until the first exporter record).
	exporters *exporters
	// changed maps each subject (qualified), and each config or mode scope ("" and
	// ":.ctx:"), to the offset of the last record that changed it, so that an exporter can
	// find what changed since the offset it has copied. Entries outlive hard-deleted
	// subjects: their removal is a change too.
	changed map[string]int64

	// parses caches parsed reference-free schemas; it is not registry state and has its own lock.
	parses *parseCache
	// checkSchemas parses every SCHEMA record before applying it. It is set for a shared log,
	// which anyone allowed to produce to the topic can write; the embedded log holds only what
	// this process validated when it registered it, and parsing 100,000 schemas would make
	// its startup several times slower.
	checkSchemas bool
	// trustText, with checkSchemas, skips the parse itself (Config.TrustSchemaText): a
	// record's type and references are still checked, its text is taken as written.
	trustText bool
	// schemasParsed counts the schema texts parsed to check records (by checkSchema and by
	// precheck), reported when the log is replayed.
	schemasParsed int
	// legacyProtobufOneof selects the pre-2026 Protobuf oneof rules (a server setting).
	legacyProtobufOneof bool
}

func newState() *state {
	return &state{
		offset:    -1,
		subjects:  map[string]map[int]*version{},
		contexts:  map[string]*contextState{},
		configs:   map[string]*ConfigRecord{},
		modes:     map[string]Mode{},
		referrers: map[refKey]map[*version]struct{}{},
		changed:   map[string]int64{},
		parses:    &parseCache{},
	}
}

// touch records that the record being applied changed scope.
func (st *state) touch(scope string) { st.changed[scope] = st.offset }

// apply folds one record into the state. Records it cannot decode are skipped and reported,
// never fatal: a registry must keep serving when another writer put garbage in the topic.
func (st *state) apply(rec Record) error {
	st.offset = rec.Offset
	if dk, ok, err := decodeDekKey(rec.Key); ok || err != nil {
		if err != nil {
			return err
		}
		if isExporterKey(dk.Type) {
			return st.applyExporterRecord(dk, rec)
		}
		return st.applyDekRegistry(dk, rec)
	}
	k, err := decodeKey(rec.Key)
	if err != nil {
		return err
	}
	switch k.Type {
	case keySchema:
		return st.applySchema(k, rec)
	case keyConfig:
		return st.applyConfig(k, rec.Value)
	case keyMode:
		return st.applyMode(k, rec.Value)
	case keyDeleteSubject:
		return st.applyDeleteSubject(rec.Value)
	case keyClearSubject:
		return st.applyClearSubject(rec.Value)
	case keyContext:
		st.applyContext(k, rec.Value)
	case keyAssociation:
		return st.applyAssociation(rec)
	}
	return nil
}

func (st *state) applySchema(k recordKey, rec Record) error {
	if rec.Value == nil {
		st.removeVersion(k.Subject, k.Version)
		return nil
	}
	v, err := decodeSchemaRecord(k, rec)
	if err != nil {
		return err
	}
	return st.applyDecodedSchema(rec, v)
}

// decodeSchemaRecord decodes a SCHEMA record into the version it stores, content hash and
// parsed subject included: all of applying it that needs no state, which replay does in
// parallel, and in one allocation, the one the state keeps.
func decodeSchemaRecord(k recordKey, rec Record) (*version, error) {
	value, err := decodeSchemaValue(rec.Value, k.Subject)
	if err != nil {
		return nil, fmt.Errorf("decode schema value at offset %d: %w", rec.Offset, err)
	}
	return &version{
		subject: k.Subject, q: parseSubject(k.Subject), num: k.Version, id: value.ID, typ: value.SchemaType,
		refs: value.References, metadata: value.Metadata, ruleSet: value.RuleSet, text: value.Schema, deleted: value.Deleted,
		ts: rec.Timestamp.UnixMilli(), hash: hashContent(value.Schema, value.References, value.Metadata, value.RuleSet),
	}, nil
}

// decodeSchemaValue decodes the value of subject's SCHEMA record, an absent schemaType read
// as AVRO.
func decodeSchemaValue(data []byte, subject string) (schemaValue, error) {
	var value schemaValue
	if !scanSchemaValue(data, subject, &value) {
		var err error
		if value, err = decodeSchemaValueJSON(data); err != nil {
			return value, err
		}
	}
	if value.SchemaType == "" {
		value.SchemaType = compat.TypeAvro
	}
	return value, nil
}

// decodeSchemaValueJSON decodes a SCHEMA value scanSchemaValue left to encoding/json (apart,
// so that the value the scanner fills stays on the stack).
func decodeSchemaValueJSON(data []byte) (schemaValue, error) {
	var value schemaValue
	err := json.Unmarshal(data, &value)
	return value, err
}

// applyDecodedSchema applies the version a SCHEMA record decoded to.
func (st *state) applyDecodedSchema(rec Record, v *version) error {
	if v.id < 1 || v.id > MaxID {
		return fmt.Errorf("offset %d gives %s version %d the id %d, outside 1..%d; ignored", rec.Offset, v.subject, v.num, v.id, MaxID)
	}
	if other := st.boundElsewhere(v.q, v.id, v.text); other != nil {
		return fmt.Errorf("offset %d binds id %d to a schema other than the one %s version %d has; ignored",
			rec.Offset, v.id, other.subject, other.num)
	}
	if err := st.checkSchema(v, rec.Checked); err != nil {
		// Ignored here, the record may be served by a reader that does not parse (Confluent's,
		// or one with TrustSchemaText): its id is never given to another schema, which that
		// reader would ignore as rebinding the id, an acknowledged write it never serves.
		c := st.context(v.q.ctx)
		c.maxID = max(c.maxID, v.id)
		return fmt.Errorf("offset %d: %s version %d is not a valid schema; ignored: %w", rec.Offset, v.subject, v.num, err)
	}
	st.putVersion(v)
	return nil
}

// boundElsewhere returns a version that already binds id, in the subject's context, to a
// different schema text. Confluent's readers ignore such a record (an id names one schema
// forever); so does Accord, whoever wrote it, and also when the record rewrites the very
// version that holds the id: registries rewrite a version only to flip its deleted flag, never
// its text, so a new text under the same id could only make consumers decode old records
// with the wrong schema.
func (st *state) boundElsewhere(q qname, id int, text string) *version {
	c := st.contexts[q.ctx]
	if c == nil {
		return nil
	}
	for _, o := range c.ids[id] {
		if o.text != text {
			return o
		}
	}
	return nil
}

// checkSchema parses a SCHEMA record's text, when checkSchemas is set, as stored schemas are
// parsed (leniently, soft-deleted references allowed), so that text no registry would have
// accepted is never served. It parses nothing for a record this instance checked before
// (checked: one replayed from its own snapshot, which holds only accepted records), nor for
// a rewrite of a version with the same content (a soft delete), checked when first applied.
// With trustText it checks the type and that the references resolve, and parses nothing.
func (st *state) checkSchema(v *version, checked bool) error {
	if !st.checkSchemas || checked {
		return nil
	}
	if o := st.subjects[v.q.String()][v.num]; o != nil && o.text == v.text && o.typ == v.typ && slices.Equal(o.refs, v.refs) {
		return nil
	}
	if !compat.Supported(v.typ) {
		return fmt.Errorf("unknown schema type %q", v.typ)
	}
	deps, _, err := st.dependencies(v.q.ctx, v.refs, true)
	if err == nil && !st.trustText {
		st.schemasParsed++
		_, err = compat.Parse(v.typ, v.text, deps, compat.ParseOptions{})
	}
	return err
}

func (st *state) putVersion(v *version) {
	vs := st.subjects[v.subject]
	if vs[v.num] != nil { // a rewrite: a replay mostly adds versions, and looks the subject up once
		st.removeVersion(v.subject, v.num)
		vs = st.subjects[v.subject]
	}
	st.touch(v.subject)
	if vs == nil {
		vs = map[int]*version{}
		st.subjects[v.subject] = vs
		st.names.add(v.subject)
	}
	// Every version of a subject shares one copy of its name: each record decodes its own.
	if other := anyVersion(vs, v.num-1); other != nil {
		v.subject, v.q = other.subject, other.q
	}
	vs[v.num] = v
	st.names.setHidden(v.subject, v.deleted && st.latest(v.subject) == nil)
	c := st.context(v.q.ctx)
	if ids := c.ids[v.id]; len(ids) > 0 {
		c.ids[v.id] = append(ids, v)
	} else {
		v.alone[0] = v
		c.ids[v.id] = v.alone[:1:1] // full: appending to it copies
	}
	c.hashes[v.hash] = v.id
	c.maxID = max(c.maxID, v.id)
	for _, r := range v.refs {
		key := refKey{qualifyRef(r.Subject, v.q.ctx), r.Version}
		if st.referrers[key] == nil {
			st.referrers[key] = map[*version]struct{}{}
		}
		st.referrers[key][v] = struct{}{}
	}
}

// anyVersion returns version num of vs when there is one (a replay finds the version before
// the one it applies there, cheaper than starting an iteration of the map), else any.
func anyVersion(vs map[int]*version, num int) *version {
	if v := vs[num]; v != nil {
		return v
	}
	for _, v := range vs {
		return v
	}
	return nil
}

func (st *state) removeVersion(subject string, num int) {
	v := st.subjects[subject][num]
	if v == nil {
		return
	}
	st.touch(subject)
	delete(st.subjects[subject], num)
	if len(st.subjects[subject]) == 0 {
		delete(st.subjects, subject)
		st.names.remove(subject)
	} else if !v.deleted {
		st.names.setHidden(subject, st.latest(subject) == nil)
	}
	c := st.context(v.q.ctx)
	c.ids[v.id] = slices.DeleteFunc(c.ids[v.id], func(o *version) bool { return o == v })
	if len(c.ids[v.id]) == 0 {
		delete(c.ids, v.id)
	}
	for _, r := range v.refs {
		key := refKey{qualifyRef(r.Subject, v.q.ctx), r.Version}
		delete(st.referrers[key], v)
		if len(st.referrers[key]) == 0 {
			delete(st.referrers, key)
		}
	}
}

// reserve sizes the default context's id and hash indexes for up to n versions before a
// replay: growing maps of a million entries step by step costs the replay, which applies
// records one after another, a tenth of its time. n bounds what the replay can add, so the
// room is at most what the maps would have grown to.
func (st *state) reserve(n int64) {
	c := st.context(defaultContext)
	if n <= int64(len(c.ids)) || n > MaxID {
		return
	}
	ids, hashes := make(map[int][]*version, n), make(map[contentHash]int, n)
	maps.Copy(ids, c.ids)
	maps.Copy(hashes, c.hashes)
	c.ids, c.hashes = ids, hashes
}

func (st *state) context(name string) *contextState {
	c := st.contexts[name]
	if c == nil {
		c = &contextState{ids: map[int][]*version{}, hashes: map[contentHash]int{}}
		st.contexts[name] = c
	}
	return c
}

func (st *state) applyConfig(k recordKey, value []byte) error {
	if value == nil {
		st.touch(k.Subject)
		delete(st.configs, k.Subject)
		return nil
	}
	var c ConfigRecord
	if err := json.Unmarshal(value, &c); err != nil {
		return fmt.Errorf("decode config value: %w", err)
	}
	c.Subject = nil
	st.touch(k.Subject)
	st.configs[k.Subject] = &c
	return nil
}

func (st *state) applyMode(k recordKey, value []byte) error {
	if value == nil {
		st.touch(k.Subject)
		delete(st.modes, k.Subject)
		return nil
	}
	var m modeValue
	if err := json.Unmarshal(value, &m); err != nil {
		return fmt.Errorf("decode mode value: %w", err)
	}
	if _, ok := ParseMode(string(m.Mode)); !ok {
		return fmt.Errorf("decode mode value: unknown mode %q", m.Mode)
	}
	st.touch(k.Subject)
	st.modes[k.Subject] = m.Mode
	return nil
}

func (st *state) applyDeleteSubject(value []byte) error {
	var d deleteSubjectValue
	if value == nil {
		return nil
	}
	if err := json.Unmarshal(value, &d); err != nil {
		return fmt.Errorf("decode delete-subject value: %w", err)
	}
	for num, v := range st.subjects[d.Subject] {
		if num <= d.Version && !v.deleted {
			st.putVersion(v.withDeleted())
		}
	}
	return nil
}

func (st *state) applyClearSubject(value []byte) error {
	if value == nil {
		return nil
	}
	var c clearSubjectValue
	if err := json.Unmarshal(value, &c); err != nil {
		return fmt.Errorf("decode clear-subject value: %w", err)
	}
	for _, subject := range slices.Collect(maps.Keys(st.subjects)) {
		if c.Subject != nil && !clearMatches(*c.Subject, subject) {
			continue
		}
		for num, v := range st.subjects[subject] {
			if v.deleted {
				st.removeVersion(subject, num)
			}
		}
	}
	return nil
}

// clearMatches reports whether a CLEAR_SUBJECT target selects subject: the subject itself, or
// every subject of a context when the target is `:.ctx:`.
func clearMatches(target, subject string) bool {
	t := parseSubject(target)
	if t.isContext() {
		return parseSubject(subject).ctx == t.ctx
	}
	return target == subject
}

func (st *state) applyContext(k recordKey, value []byte) {
	if value == nil {
		if c := st.contexts[k.Context]; c != nil {
			c.announced = false
		}
		return
	}
	st.context(k.Context).announced = true
}

// withDeleted returns a copy of v marked soft-deleted. The copy does not take v's alone:
// it would keep v, replaced, from the garbage collector while another version shares the id.
func (v *version) withDeleted() *version {
	c := *v
	c.deleted = true
	c.alone = [1]*version{}
	return &c
}

// qualifyRef qualifies a reference's subject with the referrer's context: references are
// stored unqualified and resolved where the referrer lives.
func qualifyRef(subject, ctx string) string {
	if q := parseSubject(subject); q.ctx != defaultContext || subject != q.name {
		return q.String()
	}
	return qname{ctx: ctx, name: subject}.String()
}

// versionNumbers returns the subject's version numbers in ascending order, filtered by keep.
func (st *state) versionNumbers(subject string, keep func(*version) bool) []int {
	var nums []int
	for num, v := range st.subjects[subject] {
		if keep(v) {
			nums = append(nums, num)
		}
	}
	sort.Ints(nums)
	return nums
}

// hasVersions reports whether subject has a version keep accepts: versionNumbers without
// collecting and sorting them, for the checks every lookup makes.
func (st *state) hasVersions(subject string, keep func(*version) bool) bool {
	for _, v := range st.subjects[subject] {
		if keep(v) {
			return true
		}
	}
	return false
}

// live returns the non-deleted versions of subject, oldest first.
func (st *state) live(subject string) []*version {
	var out []*version
	for _, num := range st.versionNumbers(subject, isLive) {
		out = append(out, st.subjects[subject][num])
	}
	return out
}

// latest returns the newest non-deleted version of subject, or nil.
func (st *state) latest(subject string) *version {
	var best *version
	for _, v := range st.subjects[subject] {
		if !v.deleted && (best == nil || v.num > best.num) {
			best = v
		}
	}
	return best
}

func isLive(v *version) bool { return !v.deleted }

func isAny(*version) bool { return true }

func isDeleted(v *version) bool { return v.deleted }

// visible returns the keep filter for reads: live versions, or all with deleted=true.
func visible(deleted bool) func(*version) bool {
	if deleted {
		return isAny
	}
	return isLive
}
