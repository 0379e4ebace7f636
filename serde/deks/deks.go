package deks

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// DEK returns a version of the DEK of (kek, subject, algorithm) (GET
// /keks/{kek}/deks/{subject}/versions/{version}); version may be [Latest]. deleted asks for it
// even when soft-deleted, as consumers do. An empty algorithm means AES256_GCM. A DEK that is
// not there is an error for which [IsNotFound] is true.
func (c *Client) DEK(ctx context.Context, kek, subject string, version int, algorithm Algorithm, deleted bool) (DEK, error) {
	if algorithm == "" {
		algorithm = AES256GCM
	}
	key := dekKey{kek, subject, version, algorithm, deleted}
	if d, ok := c.deks.Get(key); ok {
		return d, nil
	}
	v, err := c.once(ctx, dekFlight(key), func(ctx context.Context) (any, error) {
		var d DEK
		q := url.Values{"algorithm": {string(algorithm)}, "deleted": {strconv.FormatBool(deleted)}}
		path := dekPath(kek, subject) + "/versions/" + strconv.Itoa(version)
		if err := c.do(ctx, http.MethodGet, path, q, nil, &d); err != nil {
			return DEK{}, fmt.Errorf("deks: get version %d of the %s dek of kek %q, subject %q: %w", version, algorithm, kek, subject, err)
		}
		c.deks.Put(key, d)
		return d, nil
	})
	if err != nil {
		return DEK{}, err
	}
	return v.(DEK), nil
}

// CreateDEK registers a DEK (POST /keks/{kek}/deks/{subject}, or, on a registry that answers
// 405 to that, the older POST /keks/{kek}/deks). One that exists already is an error for which
// [IsConflict] is true: see [Client.CreateDEKOrGet]. Whatever the answer, the cached Latest
// version of the subject's DEK is forgotten, since there may be a newer one now, and so are the
// lookups of that version and of Latest still in flight: begun before the create, they may
// answer 404, and a read after a conflict must not share their answer.
func (c *Client) CreateDEK(ctx context.Context, kek string, req CreateDEK) (DEK, error) {
	if req.Algorithm == "" {
		req.Algorithm = AES256GCM
	}
	defer c.forgetLookups(kek, req)
	var d DEK
	err := c.do(ctx, http.MethodPost, dekPath(kek, req.Subject), nil, req, &d)
	if status(err) == http.StatusMethodNotAllowed {
		err = c.do(ctx, http.MethodPost, kekPath(kek)+"/deks", nil, req, &d)
	}
	if err != nil {
		return DEK{}, fmt.Errorf("deks: create version %d of the %s dek of kek %q, subject %q: %w", max(req.Version, 1), req.Algorithm, kek, req.Subject, err)
	}
	c.deks.Put(dekKey{kek, req.Subject, d.Version, req.Algorithm, false}, d)
	return d, nil
}

// CreateDEKOrGet registers a DEK and, when another client registered that version first
// (409), returns version getVersion of the DEK instead: 1, or [Latest] when DEKs rotate, as
// Confluent's executors re-read after a conflict.
func (c *Client) CreateDEKOrGet(ctx context.Context, kek string, req CreateDEK, getVersion int) (DEK, error) {
	d, err := c.CreateDEK(ctx, kek, req)
	if IsConflict(err) {
		return c.DEK(ctx, kek, req.Subject, getVersion, req.Algorithm, false)
	}
	return d, err
}

// forgetLookups forgets, after a create of req, the cached Latest DEK of its subject and the
// lookups of its version and of Latest in flight.
func (c *Client) forgetLookups(kek string, req CreateDEK) {
	for _, deleted := range []bool{false, true} {
		c.deks.Remove(dekKey{kek, req.Subject, Latest, req.Algorithm, deleted})
		for _, v := range []int{Latest, max(req.Version, 1)} {
			c.flight.Forget(dekFlight(dekKey{kek, req.Subject, v, req.Algorithm, deleted}))
		}
	}
}

// dekFlight names the shared request of a DEK lookup.
func dekFlight(k dekKey) string {
	return fmt.Sprintf("dek\x00%s\x00%s\x00%d\x00%s\x00%t", k.kek, k.subject, k.version, k.algorithm, k.deleted)
}

// SetKeyMaterial records the raw key of d, unwrapped by the caller with its KMS, in the
// cached copies of d, so that the next [Client.DEK] returns it with KeyMaterial set and the
// KMS is not asked again while d stays cached.
func (c *Client) SetKeyMaterial(d DEK, raw []byte) {
	material := encode(raw)
	algorithm := d.Algorithm
	if algorithm == "" {
		algorithm = AES256GCM
	}
	c.deks.Update(func(k dekKey, v DEK) (DEK, bool) {
		if k.kek != d.KEKName || k.subject != d.Subject || k.algorithm != algorithm || v.Version != d.Version || v.KeyMaterial != "" {
			return v, false
		}
		v.KeyMaterial = material
		return v, true
	})
}

func dekPath(kek, subject string) string { return kekPath(kek) + "/deks/" + url.PathEscape(subject) }
