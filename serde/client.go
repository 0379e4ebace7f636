package serde

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde/rules"
)

// Client is a schema registry client for serializers: franz-go's [sr.Client], which keeps
// nothing between calls on purpose, with the caches a serializer needs in front of it.
//
//   - id → schema and GUID → schema: a schema behind an id never changes, so these entries
//     never expire. Once an id is known, records written with it decode while the registry
//     is down.
//   - schema → id, per subject (registrations and lookups).
//   - subject + version → schema, for references.
//   - latest version, and latest version with given metadata, per subject: these change, so
//     they expire after a TTL (one minute by default); when the refresh fails because the
//     registry cannot be reached or answers 5xx, the last known answer is kept.
//
// Every cache is bounded (1,000 entries each by default, least recently used out first), and
// misses are single-flight: concurrent callers that miss the same key share one request.
// A Client is safe for concurrent use; share one per registry.
type Client struct {
	sr        *sr.Client
	log       *slog.Logger
	now       func() time.Time
	latestTTL time.Duration

	ids      *cache[int32, idSchema]
	guids    *cache[[16]byte, idSchema]
	subjects *cache[subjectKey, Registered]
	versions *cache[versionKey, Registered]
	latest   *cache[latestKey, Registered]
}

// Registered is a schema as a registry holds it under a subject.
type Registered struct {
	ID      int32
	GUID    [16]byte // zero when the registry predates GUIDs (Confluent Platform < 8)
	HasGUID bool
	Subject string
	Version int
	Schema  sr.Schema
	// Info is the schema as the rules see it, with its complete rule set and metadata; nil
	// when the registry's answer had no schema (a registration answered with the id alone).
	Info *rules.SchemaInfo
}

// Reference is a schema another schema refers to, under the name it is referred to by.
type Reference struct {
	Name string
	Registered
}

type subjectKey struct {
	register  bool
	normalize bool
	deleted   bool
	subject   string
	schema    string // the request body
}

type versionKey struct {
	subject string
	version int
	deleted bool
}

type latestKey struct {
	subject  string
	metadata string // "" for the plain latest version, else the sorted query string
}

// ClientOption configures a [Client].
type ClientOption func(*clientOptions)

type clientOptions struct {
	capacity  int
	latestTTL time.Duration
	log       *slog.Logger
	now       func() time.Time
}

// CacheCapacity bounds each of the client's caches to n entries (default 1,000).
func CacheCapacity(n int) ClientOption { return func(o *clientOptions) { o.capacity = n } }

// LatestTTL sets how long the latest version of a subject is used before it is asked for
// again (default one minute). Serializers that use the latest version see a new version
// within this time.
func LatestTTL(d time.Duration) ClientOption { return func(o *clientOptions) { o.latestTTL = d } }

// ClientLogger sets where the client reports stale answers it serves during an outage
// (default: nowhere).
func ClientLogger(l *slog.Logger) ClientOption { return func(o *clientOptions) { o.log = l } }

// clientClock replaces the clock, for tests of expiry.
func clientClock(now func() time.Time) ClientOption { return func(o *clientOptions) { o.now = now } }

// NewClient wraps a franz-go registry client (sr.NewClient(sr.URLs(...)), with whatever
// authentication and TLS it is given) with caches. Build that client with
// sr.HTTPClient([BoundedHTTPClient]) so that a registry's answers are bounded in size.
func NewClient(cl *sr.Client, opts ...ClientOption) *Client {
	o := clientOptions{capacity: 1000, latestTTL: time.Minute, now: time.Now,
		log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	return &Client{sr: cl, log: o.log, now: o.now, latestTTL: o.latestTTL,
		ids:      newCache[int32, idSchema](o.capacity, 0, o.now),
		guids:    newCache[[16]byte, idSchema](o.capacity, 0, o.now),
		subjects: newCache[subjectKey, Registered](o.capacity, 0, o.now),
		versions: newCache[versionKey, Registered](o.capacity, 0, o.now),
		latest:   newCache[latestKey, Registered](o.capacity, o.latestTTL, o.now),
	}
}

// SR returns the underlying franz-go client, for calls the serializers do not need.
func (c *Client) SR() *sr.Client { return c.sr }

// Schema returns the schema a record's id names, numeric or GUID.
func (c *Client) Schema(ctx context.Context, id SchemaID) (sr.Schema, error) {
	s, err := c.byID(ctx, id)
	return s.schema, err
}

// byID is the cached schema of an id, numeric or GUID.
func (c *Client) byID(ctx context.Context, id SchemaID) (idSchema, error) {
	if id.IsGUID {
		return c.guids.get(ctx, id.GUID, func(ctx context.Context) (idSchema, error) {
			return c.fetchID(ctx, "/schemas/guids/"+url.PathEscape(formatGUID(id.GUID)), id)
		}, nil)
	}
	return c.ids.get(ctx, id.ID, func(ctx context.Context) (idSchema, error) {
		return c.fetchID(ctx, "/schemas/ids/"+strconv.Itoa(int(id.ID)), id)
	}, nil)
}

func (c *Client) fetchID(ctx context.Context, path string, id SchemaID) (idSchema, error) {
	a, err := c.fetch(ctx, http.MethodGet, path, nil)
	if err != nil {
		return idSchema{}, wrap(err, "get schema by %s", id)
	}
	return idSchema{schema: a.ss.Schema, info: a.info}, nil
}

// Register registers s under subject (POST /subjects/{subject}/versions), or finds the
// version it already has there, and returns its id. normalize asks the registry to
// normalize the schema first.
func (c *Client) Register(ctx context.Context, subject string, s sr.Schema, normalize bool) (Registered, error) {
	return c.bySchema(ctx, subjectKey{register: true, normalize: normalize, subject: subject}, s, s)
}

// Lookup finds the version of subject whose schema is s (POST /subjects/{subject}), without
// registering anything; a subject or schema that is not there is a *sr.ResponseError
// (error code 40401 or 40403).
func (c *Client) Lookup(ctx context.Context, subject string, s sr.Schema, normalize bool) (Registered, error) {
	return c.bySchema(ctx, subjectKey{normalize: normalize, subject: subject}, s, s)
}

// LookupIncludingDeleted finds the version of subject that holds writer, soft-deleted
// versions included (POST /subjects/{subject}?deleted=true), as Confluent's deserializers do
// to place a writer's schema among the versions of a subject before migrating its records.
// The request carries the schema as the rules see it, rule set and metadata included (they
// are part of a version's identity), and writer's references.
func (c *Client) LookupIncludingDeleted(ctx context.Context, subject string, writer sr.Schema, info *rules.SchemaInfo) (Registered, error) {
	body := schemaRequest{Schema: info.Schema, SchemaType: info.SchemaType, References: writer.References,
		Metadata: info.Metadata, RuleSet: info.RuleSet}
	return c.bySchema(ctx, subjectKey{deleted: true, subject: subject}, body, writer)
}

// schemaRequest is a schema to look up with its complete rule set and metadata, which
// franz-go's sr.Schema cannot carry.
type schemaRequest struct {
	Schema     string               `json:"schema"`
	SchemaType string               `json:"schemaType,omitempty"`
	References []sr.SchemaReference `json:"references,omitempty"`
	Metadata   *rules.Metadata      `json:"metadata,omitempty"`
	RuleSet    *rules.RuleSet       `json:"ruleSet,omitempty"`
}

// bySchema registers or looks up body, the request for schema s.
func (c *Client) bySchema(ctx context.Context, key subjectKey, body any, s sr.Schema) (Registered, error) {
	text, err := json.Marshal(body)
	if err != nil {
		return Registered{}, fmt.Errorf("serde: encode schema: %w", err)
	}
	key.schema = string(text)
	return c.subjects.get(ctx, key, func(ctx context.Context) (Registered, error) {
		ctx = withParams(ctx, key.normalize, key.deleted)
		path := "/subjects/" + url.PathEscape(key.subject)
		if !key.register {
			a, err := c.fetch(ctx, http.MethodPost, path, body)
			return registered(a, key.subject, wrap(err, "look up schema under subject %q", key.subject))
		}
		a, err := c.fetch(ctx, http.MethodPost, path+"/versions", body)
		if err != nil {
			return Registered{}, wrap(err, "register schema under subject %q", key.subject)
		}
		if a.ss.Version == 0 {
			// Registries before Confluent 7.x answer with the id alone; the lookup has the rest.
			a, err := c.fetch(ctx, http.MethodPost, path, body)
			return registered(a, key.subject, wrap(err, "look up schema under subject %q", key.subject))
		}
		if a.ss.Schema.Schema == "" {
			a.info = nil
		}
		a.ss.Schema = s
		return registered(a, key.subject, nil)
	}, nil)
}

// withParams adds the query parameters normalize=true and deleted=true when asked.
func withParams(ctx context.Context, normalize, deleted bool) context.Context {
	var params []sr.Param
	if normalize {
		params = append(params, sr.Normalize)
	}
	if deleted {
		params = append(params, sr.ShowDeleted)
	}
	if len(params) == 0 {
		return ctx
	}
	return sr.WithParams(ctx, params...)
}

// Version returns a version of a subject; references are resolved with it.
func (c *Client) Version(ctx context.Context, subject string, version int) (Registered, error) {
	return c.version(ctx, versionKey{subject: subject, version: version})
}

// VersionIncludingDeleted is Version that also returns a soft-deleted version (deleted=true),
// as a migration between a writer's and a reader's version needs those in between.
func (c *Client) VersionIncludingDeleted(ctx context.Context, subject string, version int) (Registered, error) {
	return c.version(ctx, versionKey{subject: subject, version: version, deleted: true})
}

func (c *Client) version(ctx context.Context, key versionKey) (Registered, error) {
	return c.versions.get(ctx, key, func(ctx context.Context) (Registered, error) {
		ctx = withParams(ctx, false, key.deleted)
		a, err := c.fetch(ctx, http.MethodGet, versionPath(key.subject, strconv.Itoa(key.version)), nil)
		return registered(a, key.subject, wrap(err, "get version %d of subject %q", key.version, key.subject))
	}, nil)
}

func versionPath(subject, version string) string {
	return "/subjects/" + url.PathEscape(subject) + "/versions/" + version
}

// Latest returns the latest version of subject, at most the client's LatestTTL old.
func (c *Client) Latest(ctx context.Context, subject string) (Registered, error) {
	return c.latest.get(ctx, latestKey{subject: subject}, func(ctx context.Context) (Registered, error) {
		a, err := c.fetch(ctx, http.MethodGet, versionPath(subject, "latest"), nil)
		return registered(a, subject, wrap(err, "get the latest version of subject %q", subject))
	}, c.stale(subject))
}

// LatestWithMetadata returns the latest version of subject whose metadata properties include
// all of md (GET /subjects/{subject}/metadata), at most the client's LatestTTL old.
func (c *Client) LatestWithMetadata(ctx context.Context, subject string, md map[string]string) (Registered, error) {
	return c.latestWithMetadata(ctx, subject, md, false)
}

// LatestWithMetadataIncludingDeleted is LatestWithMetadata that also considers soft-deleted
// versions (deleted=true), as Confluent's deserializers do when they choose the version they
// read records as.
func (c *Client) LatestWithMetadataIncludingDeleted(ctx context.Context, subject string, md map[string]string) (Registered, error) {
	return c.latestWithMetadata(ctx, subject, md, true)
}

func (c *Client) latestWithMetadata(ctx context.Context, subject string, md map[string]string, deleted bool) (Registered, error) {
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	params := url.Values{}
	for _, k := range keys {
		params.Add("key", k)
		params.Add("value", md[k])
	}
	if deleted {
		params.Set("deleted", "true")
	}
	query := params.Encode()
	return c.latest.get(ctx, latestKey{subject: subject, metadata: query}, func(ctx context.Context) (Registered, error) {
		ctx = sr.WithParams(ctx, sr.RawParams(params))
		a, err := c.fetch(ctx, http.MethodGet, "/subjects/"+url.PathEscape(subject)+"/metadata", nil)
		return registered(a, subject, wrap(err, "get the latest version of subject %q with metadata %s", subject, query))
	}, c.stale(subject))
}

// References returns every schema that refs name, directly or through other references,
// each once, and each after the schemas it refers to: the order in which a parser must see
// them.
func (c *Client) References(ctx context.Context, refs []sr.SchemaReference) ([]Reference, error) {
	var out []Reference
	seen := make(map[versionKey]bool)
	var visit func(refs []sr.SchemaReference, depth int) error
	visit = func(refs []sr.SchemaReference, depth int) error {
		if depth > maxReferenceDepth {
			return fmt.Errorf("serde: references nested more than %d deep", maxReferenceDepth)
		}
		for _, ref := range refs {
			key := versionKey{subject: ref.Subject, version: ref.Version}
			if seen[key] {
				continue
			}
			seen[key] = true
			r, err := c.Version(ctx, ref.Subject, ref.Version)
			if err != nil {
				return err
			}
			if err := visit(r.Schema.References, depth+1); err != nil {
				return err
			}
			out = append(out, Reference{Name: ref.Name, Registered: r})
		}
		return nil
	}
	return out, visit(refs, 0)
}

// maxReferenceDepth bounds a chain of references; registries refuse cycles, but a client must
// not trust that.
const maxReferenceDepth = 64

// stale returns the test for errors during which an expired latest version is still used:
// the registry could not be reached or failed (5xx). A 4xx answer, such as a deleted subject,
// is news and is returned.
func (c *Client) stale(subject string) func(error) bool {
	return func(err error) bool {
		var re *sr.ResponseError
		if errors.As(err, &re) && re.StatusCode < 500 {
			return false
		}
		c.log.Warn("serde: registry unavailable, using the last known latest version", "subject", subject, "err", err)
		return true
	}
}

// registered converts franz-go's answer, or passes on the error of the request. A GUID the
// registry sends that does not parse is treated as absent. An id outside 0..2^31-1 is an
// error: Confluent's ids are Java ints and the wire format's id is 4 bytes, so such an id
// can only come from a broken or hostile registry, and truncating it would name another
// schema in every record written.
func registered(a answer, subject string, err error) (Registered, error) {
	if err != nil {
		return Registered{}, err
	}
	ss := a.ss
	if ss.ID < 0 || ss.ID > math.MaxInt32 {
		return Registered{}, fmt.Errorf("serde: the registry gave subject %q version %d the schema id %d, outside the 0..%d of a 4-byte schema id", subject, ss.Version, ss.ID, math.MaxInt32)
	}
	r := Registered{ID: int32(ss.ID), Subject: subject, Version: ss.Version, Schema: ss.Schema, Info: a.info}
	if ss.Subject != "" {
		r.Subject = ss.Subject
	}
	if g, err := ParseGUID(ss.GUID); err == nil {
		r.GUID, r.HasGUID = g, true
	}
	return r, nil
}

// wrap prefixes a registry error with what was being done, keeping it inspectable with
// errors.As (*sr.ResponseError carries the status and Confluent's error code).
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("serde: %s: %w", fmt.Sprintf(format, args...), err)
}
