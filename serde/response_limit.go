package serde

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// DefaultMaxResponse is the bound [BoundedHTTPClient] is meant to be given when nothing
// says otherwise: 64 MiB, far above any registry answer a serializer needs (a schema, a
// subject's versions) and far below what exhausts a consumer's memory.
const DefaultMaxResponse = 64 << 20

// ErrResponseTooLarge is the error (wrapped in franz-go's) of a registry answer larger than
// the bound of [BoundedHTTPClient].
var ErrResponseTooLarge = errors.New("serde: the registry's answer is too large")

// BoundedHTTPClient returns a copy of base (franz-go's default, a client with a 5 s
// timeout, when nil) that fails any answer longer than maxBytes with [ErrResponseTooLarge].
// franz-go's sr client reads each answer whole before it decodes it, so a hostile or broken
// registry could otherwise make a consumer read gigabytes into memory. Give it to the sr
// client the [Client] wraps:
//
//	sr.NewClient(sr.URLs(url), sr.HTTPClient(serde.BoundedHTTPClient(nil, serde.DefaultMaxResponse)))
//
// sr.DialTLSConfig does not combine with it (franz-go needs an *http.Transport to set TLS
// on): set the TLS configuration on base's transport instead.
func BoundedHTTPClient(base *http.Client, maxBytes int64) *http.Client {
	c := http.Client{Timeout: 5 * time.Second}
	if base != nil {
		c = *base
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = boundedTransport{next: next, max: maxBytes}
	return &c
}

// boundedTransport bounds the bodies of the answers it passes on.
type boundedTransport struct {
	next http.RoundTripper
	max  int64
}

func (t boundedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.max {
		resp.Body.Close()
		return nil, t.tooLarge()
	}
	resp.Body = &boundedBody{body: resp.Body, left: t.max, t: t}
	return resp, nil
}

func (t boundedTransport) tooLarge() error {
	return fmt.Errorf("%w: more than %d bytes (%d MiB)", ErrResponseTooLarge, t.max, t.max>>20)
}

// boundedBody reads at most left more bytes, and fails when the answer goes on.
type boundedBody struct {
	body io.ReadCloser
	left int64
	t    boundedTransport
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.body.Read(one[:])
		if n > 0 {
			return 0, b.t.tooLarge()
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *boundedBody) Close() error { return b.body.Close() }
