package deks

import (
	"context"
	"fmt"
	"net/http"
)

// KEK returns the KEK name (GET /keks/{name}); deleted asks for it even when soft-deleted,
// as consumers do. A KEK that is not there is an error for which [IsNotFound] is true.
func (c *Client) KEK(ctx context.Context, name string, deleted bool) (KEK, error) {
	key := kekKey{name, deleted}
	if k, ok := c.keks.Get(key); ok {
		return k, nil
	}
	v, err := c.once(ctx, fmt.Sprintf("kek\x00%s\x00%t", name, deleted), func(ctx context.Context) (any, error) {
		var k KEK
		if err := c.do(ctx, http.MethodGet, kekPath(name), deletedQuery(deleted), nil, &k); err != nil {
			return KEK{}, fmt.Errorf("deks: get kek %q: %w", name, err)
		}
		c.keks.Put(key, k)
		return k, nil
	})
	if err != nil {
		return KEK{}, err
	}
	return v.(KEK), nil
}

// CreateKEK registers a KEK (POST /keks). One that exists already is an error for which
// [IsConflict] is true, even when it is identical: see [Client.CreateKEKOrGet].
func (c *Client) CreateKEK(ctx context.Context, req CreateKEK) (KEK, error) {
	var k KEK
	if err := c.do(ctx, http.MethodPost, "/keks", nil, req, &k); err != nil {
		return KEK{}, fmt.Errorf("deks: create kek %q: %w", req.Name, err)
	}
	c.keks.Put(kekKey{k.Name, false}, k)
	return k, nil
}

// CreateKEKOrGet registers a KEK and, when another client registered it first (409), returns
// that one, as Confluent's executors do on produce.
func (c *Client) CreateKEKOrGet(ctx context.Context, req CreateKEK) (KEK, error) {
	k, err := c.CreateKEK(ctx, req)
	if IsConflict(err) {
		return c.KEK(ctx, req.Name, false)
	}
	return k, err
}
