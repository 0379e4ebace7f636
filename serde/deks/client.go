package deks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"golang.org/x/sync/singleflight"
)

// basePath is where a registry serves the DEK Registry, beside the schema paths.
const basePath = "/dek-registry/v1"

// Client reads and creates KEKs and DEKs, with caches. It is safe for concurrent use; share
// one per registry.
type Client struct {
	sr     *sr.Client
	keks   *serde.LRU[kekKey, KEK]
	deks   *serde.LRU[dekKey, DEK]
	flight singleflight.Group
}

type kekKey struct {
	name    string
	deleted bool
}

type dekKey struct {
	kek, subject string
	version      int
	algorithm    Algorithm
	deleted      bool
}

// Option configures a [Client].
type Option func(*options)

type options struct {
	capacity int
	ttl      time.Duration
	now      func() time.Time
}

// CacheCapacity bounds each of the client's two caches, KEKs and DEKs, to n entries (default
// 1,000).
func CacheCapacity(n int) Option { return func(o *options) { o.capacity = n } }

// CacheTTL makes cached KEKs and DEKs expire d after they were fetched (default: never, as
// in Confluent's clients; a KEK or DEK, once made, changes only by deletion).
func CacheTTL(d time.Duration) Option { return func(o *options) { o.ttl = d } }

// clock replaces the clock, for tests of expiry.
func clock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// NewClient returns a client that sends its requests with the options of cl (franz-go's
// registry client: its URLs, authentication, TLS, HTTP client and hooks), less its default
// schema context and default parameters.
func NewClient(cl *sr.Client, opts ...Option) (*Client, error) {
	o := options{capacity: 1000, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	base := append(slices.Clone(cl.Opts()), sr.DefaultSchemaContext(""), sr.DefaultParams())
	dc, err := sr.NewClient(base...)
	if err != nil {
		return nil, fmt.Errorf("deks: %w", err)
	}
	return &Client{sr: dc,
		keks: serde.NewLRU[kekKey, KEK](o.capacity, o.ttl, o.now),
		deks: serde.NewLRU[dekKey, DEK](o.capacity, o.ttl, o.now),
	}, nil
}

// IsNotFound reports whether err is the registry's 404: no such KEK or DEK (error code 40470).
func IsNotFound(err error) bool { return status(err) == http.StatusNotFound }

// IsConflict reports whether err is the registry's 409: the KEK or DEK exists already (40971),
// usually because another client created it first.
func IsConflict(err error) bool { return status(err) == http.StatusConflict }

func status(err error) int {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

// once runs fetch for key unless a call for the same key is under way, in which case it
// waits for that call's answer. fetch runs to its end even when ctx is cancelled, because
// other callers may be waiting for it; this caller stops waiting when ctx ends.
func (c *Client) once(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	ch := c.flight.DoChan(key, func() (any, error) { return fetch(context.WithoutCancel(ctx)) })
	select {
	case r := <-ch:
		return r.Val, r.Err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// do sends one request; query may be nil.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, into any) error {
	if query != nil {
		ctx = sr.WithParams(ctx, sr.RawParams(query))
	}
	return c.sr.Do(ctx, method, basePath+path, body, into)
}

func kekPath(name string) string { return "/keks/" + url.PathEscape(name) }

func deletedQuery(deleted bool) url.Values {
	return url.Values{"deleted": {strconv.FormatBool(deleted)}}
}
