package exporter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// maxAnswer bounds what one answer of the destination may be: a registry that answers
// without end must not exhaust the memory of the one exporting to it.
const maxAnswer = 16 << 20

// contentType is what the destination is sent, as Confluent's clients send it.
const contentType = "application/vnd.schemaregistry.v1+json"

const accept = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5"

// Destination is the client of the registry an exporter copies into: any
// Confluent-compatible schema registry, reached with the client configuration of the
// exporter's `config` (the keys of Confluent's RestService and SchemaRegistryClientConfig).
// Connections are kept alive between requests; a list of URLs is tried in order, the first
// that answers being used until it stops answering.
type Destination struct {
	urls          []string
	client        *http.Client
	transport     *http.Transport
	authorization string // the Authorization header, "" = none; never logged
	maxAnswer     int64
	timeout       time.Duration // bounds each attempt, answer included; 0 = the context's only
	current       atomic.Int32  // index in urls of the last one that answered
}

// DestinationError is an answer of the destination other than 2xx: its HTTP status and
// the error_code and message of its JSON body (Code 0 when the body had none).
type DestinationError struct {
	Status  int
	Code    int
	Message string
}

func (e *DestinationError) Error() string {
	if e.Code == 0 {
		return fmt.Sprintf("destination answered %d: %s", e.Status, e.Message)
	}
	return fmt.Sprintf("destination answered %d (error_code %d): %s", e.Status, e.Code, e.Message)
}

// transportError is a failure to get an answer at all: the destination is down, refuses
// connections, or did not answer in time. It is worth retrying.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// Retryable reports whether err is worth retrying later: no answer (transport errors and
// timeouts), a 5xx, 408 Request Timeout or 429 Too Many Requests. Any other answer is a
// refusal that retrying would only repeat. A cancelled context is not retryable.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if de, ok := errors.AsType[*DestinationError](err); ok {
		return de.Status >= 500 || de.Status == http.StatusRequestTimeout || de.Status == http.StatusTooManyRequests
	}
	_, ok := errors.AsType[*transportError](err)
	return ok
}

// Do sends one request: body (nil = none) as JSON, path relative to the registry's base URL
// (with its query, already escaped). A 2xx answer is decoded into out (nil = discarded);
// another answer is a *DestinationError; no answer at all, from any of the URLs, is an error
// for which Retryable is true. The time allowed is the context's.
func (d *Destination) Do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encoding the request %s %s: %w", method, path, err)
		}
	}
	first := int(d.current.Load())
	var lastErr error
	for i := range d.urls {
		at := (first + i) % len(d.urls)
		status, answer, err := d.send(ctx, d.urls[at], method, path, payload)
		if err != nil {
			lastErr = err
			if _, transport := errors.AsType[*transportError](err); transport && ctx.Err() == nil {
				continue // the next URL may answer
			}
			break
		}
		d.current.Store(int32(at))
		return decodeAnswer(method, path, status, answer, out)
	}
	return lastErr
}

// send makes one attempt at base and returns the status and the body of the answer.
func (d *Destination) send(ctx context.Context, base, method, path string, payload []byte) (int, []byte, error) {
	if d.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	var reader io.Reader
	if payload != nil {
		reader = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, reader)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", accept)
	if payload != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if d.authorization != "" {
		req.Header.Set("Authorization", d.authorization)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, nil, &transportError{fmt.Errorf("%s %s%s: %w", method, base, path, unwrapURLError(err))}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, d.maxAnswer+1))
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err() // the body's error does not say why the read ended
		}
		return 0, nil, &transportError{fmt.Errorf("%s %s%s: reading the answer: %w", method, base, path, err)}
	}
	if int64(len(answer)) > d.maxAnswer {
		return resp.StatusCode, nil, fmt.Errorf("%s %s%s: the answer is larger than %d bytes", method, base, path, d.maxAnswer)
	}
	return resp.StatusCode, answer, nil
}

// unwrapURLError drops the *url.Error around a client error, whose text repeats the method
// and URL that the caller already names.
func unwrapURLError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

// decodeAnswer turns an answer into out or a *DestinationError.
func decodeAnswer(method, path string, status int, answer []byte, out any) error {
	if status < 200 || status > 299 {
		return answerError(status, answer)
	}
	if out == nil || len(bytes.TrimSpace(answer)) == 0 {
		return nil
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("%s %s: the destination's answer is not the JSON expected: %w", method, path, err)
	}
	return nil
}

// answerError reads Confluent's error body, {"error_code":N,"message":"..."}; any other
// body becomes the message, shortened.
func answerError(status int, answer []byte) *DestinationError {
	var body struct {
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message"`
	}
	if json.Unmarshal(answer, &body) == nil && (body.ErrorCode != 0 || body.Message != "") {
		return &DestinationError{Status: status, Code: body.ErrorCode, Message: body.Message}
	}
	text := strings.TrimSpace(string(answer))
	if len(text) > 200 {
		text = text[:200] + "…"
	}
	if text == "" {
		text = http.StatusText(status)
	}
	return &DestinationError{Status: status, Message: text}
}

// SetTimeout bounds each request, answer included, to d (0: only the context bounds it): a
// destination that takes requests and never answers, or answers a byte at a time, then
// fails as an unreachable one does.
func (d *Destination) SetTimeout(timeout time.Duration) { d.timeout = timeout }

// Close closes the connections kept alive.
func (d *Destination) Close() { d.transport.CloseIdleConnections() }

// each returns one Destination per URL of the list, sharing this one's connections and
// credentials: for checks that must hold for every URL, not only for the one that answers.
func (d *Destination) each() []*Destination {
	out := make([]*Destination, len(d.urls))
	for i, u := range d.urls {
		out[i] = &Destination{urls: []string{u}, client: d.client, transport: d.transport, authorization: d.authorization, maxAnswer: d.maxAnswer, timeout: d.timeout}
	}
	return out
}
