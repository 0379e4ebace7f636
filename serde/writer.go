package serde

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

// Writer is the half of every serializer that does not depend on the format: it decides, per
// topic and record name, which registered schema the records are written with, and frames
// the encoded payload with that schema's id. The format packages (serde/avro,
// serde/protobuf, serde/jsonschema) build on it; use those.
//
// The decision is made once per topic and record name and kept in a [Memo], so a warm
// serializer pays one map lookup per record. A decision based on the latest version expires
// after the client's LatestTTL.
type Writer struct {
	client   *Client
	cfg      Config
	targets  Memo[targetKey, *targetEntry]
	last     atomic.Pointer[targetEntry] // the target of the previous record, checked first
	walkers  ruleWalkers                 // of the targets' schemas, for field-level rules
	contexts contextPool                 // the rules' contexts, one lent per record that runs rules
}

type targetKey struct{ topic, record string }

// targetEntry is a target with its key, so that the previous record's entry can be kept
// (sparing the common case, every record to one topic, the map lookup) without allocating.
type targetEntry struct {
	key    targetKey
	target *Target
}

// Target is the registered schema a serializer writes a topic's records with.
type Target struct {
	Registered
	// Own is true when the schema is the serializer's own (registered or looked up), false
	// when it was chosen by id or as the latest version and may differ from it.
	Own bool

	prefix   []byte    // the payload prefix, empty in HeaderGUID
	expires  time.Time // zero: never
	runRules bool      // a runner is configured and the target has domain or encoding rules
}

// NewWriter returns a Writer for a serializer configured by opts.
func NewWriter(c *Client, opts ...Option) (*Writer, error) {
	cfg, err := NewConfig(opts...)
	if err != nil {
		return nil, err
	}
	return &Writer{client: c, cfg: cfg}, nil
}

// Config returns the writer's configuration.
func (w *Writer) Config() Config { return w.cfg }

// Client returns the writer's registry client.
func (w *Writer) Client() *Client { return w.client }

// Cached returns the target decided for topic and recordName, if it is still valid. It takes
// no lock and does not allocate: it is the per-record path.
func (w *Writer) Cached(topic, recordName string) (*Target, bool) {
	key := targetKey{topic, recordName}
	if last := w.last.Load(); last != nil && last.key == key {
		return last.target, w.valid(last.target)
	}
	e, ok := w.targets.Load(key)
	if !ok || !w.valid(e.target) {
		return nil, false
	}
	w.last.Store(e)
	return e.target, true
}

// valid reports whether a target has not expired.
func (w *Writer) valid(t *Target) bool {
	return t.expires.IsZero() || w.client.now().Before(t.expires)
}

// Resolve decides the target for topic and recordName with the registry, as the
// configuration says, and remembers it: the explicit id, the latest version (with metadata),
// or the serializer's own schema s, registered or looked up under the strategy's subject.
func (w *Writer) Resolve(ctx context.Context, topic, recordName string, s sr.Schema) (*Target, error) {
	subject, err := w.cfg.Subject(topic, w.cfg.Key, recordName)
	if err != nil {
		return nil, err
	}
	t := &Target{}
	switch {
	case w.cfg.SchemaID > 0:
		t.Registered, err = w.byID(ctx, subject)
	case w.cfg.LatestMetadata != nil:
		t.Registered, err = w.client.LatestWithMetadata(ctx, subject, w.cfg.LatestMetadata)
		t.expires = w.client.now().Add(w.client.latestTTL)
	case w.cfg.UseLatest:
		t.Registered, err = w.client.Latest(ctx, subject)
		t.expires = w.client.now().Add(w.client.latestTTL)
	case w.cfg.AutoRegister:
		t.Registered, err = w.client.Register(ctx, subject, s, w.cfg.Normalize)
		t.Own = true
	default:
		t.Registered, err = w.client.Lookup(ctx, subject, s, w.cfg.Normalize)
		t.Own = true
	}
	if err != nil {
		return nil, err
	}
	// Rules run only on a schema the registry chose (Confluent's serializers run none when
	// they auto-register or look up their own schema).
	t.runRules = w.cfg.Rules != nil && !t.Own && t.Info != nil && hasRules(t.Info.RuleSet)
	if t.prefix, err = w.prefix(t.Registered); err != nil {
		return nil, err
	}
	if w.client.latestTTL <= 0 {
		t.expires = time.Time{}
	}
	e := &targetEntry{targetKey{topic, recordName}, t}
	w.targets.Store(e.key, e)
	w.last.Store(e)
	return t, nil
}

// byID is the target of UseSchemaID: the id's schema, under the strategy's subject.
func (w *Writer) byID(ctx context.Context, subject string) (Registered, error) {
	s, err := w.client.byID(ctx, IDOf(w.cfg.SchemaID))
	if err != nil {
		return Registered{}, err
	}
	r := Registered{ID: w.cfg.SchemaID, Subject: subject, Schema: s.schema, Info: s.info}
	if w.cfg.IDFormat != PrefixID {
		// Only the lookup under a subject tells the GUID of an id.
		found, err := w.client.Lookup(ctx, subject, s.schema, false)
		if err != nil {
			return Registered{}, err
		}
		r.GUID, r.HasGUID, r.Version = found.GUID, found.HasGUID, found.Version
	}
	return r, nil
}

// prefix is what goes before every payload written with r.
func (w *Writer) prefix(r Registered) ([]byte, error) {
	if w.cfg.IDFormat != PrefixID && !r.HasGUID {
		return nil, fmt.Errorf("serde: the registry gave no GUID for id %d of subject %q: the GUID formats need Confluent Platform 8 or Accord", r.ID, r.Subject)
	}
	switch w.cfg.IDFormat {
	case PrefixGUID:
		return AppendPrefix(nil, GUIDOf(r.GUID)), nil
	case HeaderGUID:
		return nil, nil
	}
	return AppendPrefix(nil, IDOf(r.ID)), nil
}

// AppendPrefix appends what goes before the payload: the id (and, for Protobuf, the message
// indexes, nil otherwise) in the prefix formats, nothing in HeaderGUID.
func (w *Writer) AppendPrefix(buf []byte, t *Target, indexes []int) []byte {
	if w.cfg.IDFormat == HeaderGUID {
		return buf
	}
	buf = append(buf, t.prefix...)
	if indexes != nil {
		buf = AppendIndexes(buf, indexes)
	}
	return buf
}

// AppendHeader appends the record header that carries the id in HeaderGUID, and returns
// headers unchanged in the prefix formats. indexes are the Protobuf message indexes, nil
// for other formats.
func (w *Writer) AppendHeader(headers []Header, t *Target, indexes []int) []Header {
	if w.cfg.IDFormat != HeaderGUID {
		return headers
	}
	return append(headers, Header{Key: headerName(w.cfg.Key), Value: HeaderValue(GUIDOf(t.GUID), indexes, indexes != nil)})
}

// Reader is the half of every deserializer that does not depend on the format: it finds a
// record's schema id (header first, then prefix) and fetches the writer's schema through the
// client's caches.
type Reader struct {
	client     *Client
	cfg        Config
	walkers    ruleWalkers                    // of the schemas rules run on, for field-level rules
	migrations Memo[migrationKey, *Migration] // per subject, writer and reader version
	contexts   contextPool                    // the rules' contexts, one lent per record that runs rules
}

// NewReader returns a Reader for a deserializer configured by opts: [Key] says which header
// to read; [References] and [Validate] are for the format packages.
func NewReader(c *Client, opts ...Option) (*Reader, error) {
	cfg, err := NewConfig(opts...)
	if err != nil {
		return nil, err
	}
	return &Reader{client: c, cfg: cfg}, nil
}

// Client returns the reader's registry client.
func (r *Reader) Client() *Client { return r.client }

// Config returns the reader's configuration.
func (r *Reader) Config() Config { return r.cfg }

// Find reads the schema id (and, when protobuf, the message indexes) of a record; body is
// the payload after any prefix. See [Decode].
func (r *Reader) Find(payload []byte, headers []Header, protobuf bool) (id SchemaID, indexes []int, body []byte, err error) {
	return Decode(payload, headers, r.cfg.Key, protobuf)
}

// FindBody is Find for deserializers that do not need the Protobuf message indexes (they
// are checked, not returned): it never allocates.
func (r *Reader) FindBody(payload []byte, headers []Header, protobuf bool) (id SchemaID, body []byte, err error) {
	id, _, body, err = decode(payload, headers, r.cfg.Key, protobuf, false)
	return id, body, err
}

// Schema returns the writer's schema for id.
func (r *Reader) Schema(ctx context.Context, id SchemaID) (sr.Schema, error) {
	return r.client.Schema(ctx, id)
}
