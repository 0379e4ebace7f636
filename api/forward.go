package api

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// Leadership is the API's view of leader election.
type Leadership interface {
	// Leader returns the leader's base URL (e.g. "http://10.0.0.2:8081") and whether it is this
	// instance. An empty url with self false means no leader is known right now.
	Leader() (url string, self bool)
}

// LeaderChecker is implemented by a [Leadership] that can refuse the leader it reports: the
// Kafka election does when the leader is not among the configured peers, or would be reached
// over plain http by an instance that serves https. A write is then never sent there, since
// it carries the client's credentials.
type LeaderChecker interface {
	CheckLeader(url string) error
}

// DefaultForwardTimeout is the default bound on a write forwarded to the leader.
const DefaultForwardTimeout = 30 * time.Second

const (
	// headerForward marks a request one instance forwarded to another. A follower never
	// forwards such a request again: during a change of leader two instances may each believe
	// the other leads, and the request would bounce between them.
	headerForward = "X-Forward"
	// headerLogOffset is set by the leader on its answer to a forwarded write: the offset of
	// the registry's log its store had applied once the write was done, which the follower
	// waits to apply before it answers, instead of asking the log for its end (a round trip
	// to the broker per forwarded write). Without it the follower asks, as it does when the
	// leader is of an older version.
	headerLogOffset = "X-Accord-Log-Offset"
	// catchUpTimeout bounds how long a follower waits, once the leader accepted a forwarded
	// write, to apply that write to its own replica. Past it the follower answers anyway: the
	// write succeeded, and only read-your-write on this instance is delayed.
	catchUpTimeout = 5 * time.Second
)

// forwardedHeaders are the request headers Confluent passes to the leader (its
// RequestHeaderBuilder). X-Request-ID is added apart, since this instance may have made it up.
var forwardedHeaders = []string{
	echo.HeaderContentType,
	echo.HeaderAccept,
	"Confluent-Accept-Unknown-Properties",
	echo.HeaderAuthorization,
}

// forward is the route middleware of every write: the leader handles it itself; a follower
// sends it to the leader and relays the answer. A write that finds no leader known, or is
// refused with 50004 by a leader that was just deposed, waits for the election
// (writeThroughElection). op names the write in the 50003 error, in Confluent's words ("Error
// while forwarding register schema request to the leader").
//
// A request another instance forwarded here is handled only if this instance leads, and
// otherwise refused with 50004 at once, never forwarded again: during a change of leader two
// instances may each believe the other leads. The instance that forwarded it waits for the
// election and sends it again.
func (h *handlers) forward(op string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if h.cfg.Leadership == nil {
				return next(c)
			}
			if strings.EqualFold(c.Request().Header.Get(headerForward), "true") {
				if _, self := h.cfg.Leadership.Leader(); self {
					h.answerWithOffset(c)
					return next(c)
				}
				return errUnknownLeader()
			}
			return h.writeThroughElection(c, op, next)
		}
	}
}

// errUnknownLeader is Confluent's 50004, for a write that no instance may take now.
func errUnknownLeader() error {
	return store.Errorf(store.CodeUnknownLeader, "Leader not known.")
}

// checkLeader refuses a leader the [LeaderChecker] refuses, with 50003: the write is not
// sent there, since it carries the client's credentials.
func (h *handlers) checkLeader(leader, op string) error {
	lc, ok := h.cfg.Leadership.(LeaderChecker)
	if !ok {
		return nil
	}
	if err := lc.CheckLeader(leader); err != nil {
		h.cfg.Logger.Warn("not forwarding to a refused leader", "op", op, "leader", leader, "err", err)
		return store.Errorf(store.CodeForwardingError, "Error while forwarding %s request to the leader: %v", op, err)
	}
	return nil
}

// forwardTo sends the request, whose body is given, to the leader once and returns its
// answer: status, headers and body, to be relayed unchanged (Content-Type and X-Request-ID
// included). Only a failure to get an answer at all is an error, 50003.
func (h *handlers) forwardTo(c echo.Context, leader, op string, body []byte) (leaderAnswer, error) {
	ctx, cancel := context.WithTimeout(c.Request().Context(), h.cfg.ForwardTimeout)
	defer cancel()
	target := strings.TrimSuffix(leader, "/") + originalURI(c.Request())
	status, header, answer, err := h.roundTrip(ctx, c, target, body)
	if err != nil {
		h.cfg.Logger.Warn("forwarding to the leader failed", "op", op, "method", c.Request().Method,
			"url", target, "request_id", c.Response().Header().Get(headerRequestID), "err", err)
		return leaderAnswer{}, &forwardError{
			err:            store.Errorf(store.CodeForwardingError, "Error while forwarding %s request to the leader", op),
			unreached:      neverConnected(err),
			lostConnection: connectionLost(err),
		}
	}
	return leaderAnswer{status, header, answer}, nil
}

// forwardError is a forwarded write that got no answer: 50003. unreached tells that no
// connection to the leader was made, so the leader cannot have seen the write; lostConnection
// that the leader closed or reset the connection without answering, as a leader that shuts
// down does to a request that arrives as it closes its idle connections.
type forwardError struct {
	err                       *store.Error
	unreached, lostConnection bool
}

func (e *forwardError) Error() string { return e.err.Error() }
func (e *forwardError) Unwrap() error { return e.err }

// neverConnected reports whether err is a failure to connect: refused (the leader is
// restarting or gone), or no route to it. The request was not sent.
func neverConnected(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// connectionLost reports whether err is the connection closed or reset under the request.
func connectionLost(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// leaderAnswer is the leader's answer to a forwarded write.
type leaderAnswer struct {
	status int
	header http.Header
	body   []byte
}

// roundTrip sends one forwarded request and reads the leader's whole answer, up to twice the
// request limit: a write's answer is small, and a bigger one means something else answered.
func (h *handlers) roundTrip(ctx context.Context, c echo.Context, target string, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, c.Request().Method, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	for _, name := range forwardedHeaders {
		for _, v := range c.Request().Header.Values(name) {
			req.Header.Add(name, v)
		}
	}
	req.Header.Set(headerRequestID, c.Response().Header().Get(headerRequestID))
	req.Header.Set(headerForward, "true")
	resp, err := h.cfg.ForwardClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	limit := 2 * h.cfg.MaxRequestBytes
	answer, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read the leader's answer: %w", err)
	}
	if int64(len(answer)) > limit {
		return 0, nil, nil, fmt.Errorf("the leader's answer is larger than %d bytes", limit)
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// catchUp waits until this follower has applied what the leader just committed, so the
// client's next read here sees its write. A failure only delays that; the write stands. A
// write to the registry's own store waits for the offset the leader's answer names, when it
// names one.
func (h *handlers) catchUp(c echo.Context, a leaderAnswer) {
	ctx, cancel := context.WithTimeout(c.Request().Context(), catchUpTimeout)
	defer cancel()
	var catchUp func(context.Context) error
	switch {
	case strings.HasPrefix(c.Path(), dekPrefix+"/"):
		if h.cfg.Keys != nil {
			catchUp = h.cfg.Keys.CatchUp
		}
	case strings.HasPrefix(c.Path(), "/exporters"):
		if h.cfg.Exporters != nil {
			catchUp = h.cfg.Exporters.CatchUp
		}
	case h.store != nil:
		catchUp = h.store.CatchUp
		if offset, err := strconv.ParseInt(a.header.Get(headerLogOffset), 10, 64); err == nil {
			catchUp = func(ctx context.Context) error { return h.store.CatchUpTo(ctx, offset) }
		}
	}
	if catchUp == nil {
		return
	}
	if err := catchUp(ctx); err != nil {
		h.cfg.Logger.Warn("not caught up with a forwarded write", "path", c.Request().URL.Path,
			"request_id", c.Response().Header().Get(headerRequestID), "err", err)
	}
}

// answerWithOffset sets headerLogOffset on the answer to a write another instance forwarded
// here, just before the answer is written (the write is then done): only for a write to the
// registry's own store, since the DEK Registry and the exporters keep logs of their own.
func (h *handlers) answerWithOffset(c echo.Context) {
	if h.store == nil || strings.HasPrefix(c.Path(), dekPrefix+"/") || strings.HasPrefix(c.Path(), "/exporters") {
		return
	}
	c.Response().Before(func() {
		c.Response().Header().Set(headerLogOffset, strconv.FormatInt(h.store.Offset(), 10))
	})
}

// relay writes the leader's answer as this instance's own.
func relay(c echo.Context, a leaderAnswer) error {
	out := c.Response().Header()
	if ct := a.header.Get(echo.HeaderContentType); ct != "" {
		out.Set(echo.HeaderContentType, ct)
	}
	if id := a.header.Get(headerRequestID); id != "" {
		out.Set(headerRequestID, id)
	}
	c.Response().WriteHeader(a.status)
	_, err := c.Response().Write(a.body)
	return err
}

// readBody reads the whole request body; limitBody has already bounded it.
func readBody(c echo.Context) ([]byte, error) {
	data, err := io.ReadAll(c.Request().Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	case err != nil:
		return nil, errBadRequest("Failed to read request body")
	}
	return data, nil
}

// originalURI is the request target exactly as the client sent it: escapes such as %2F, a
// /contexts/{ctx}/ prefix, a trailing slash and the raw query all survive, whereas
// trimTrailingSlash and rewriteContextPaths have rewritten req.URL by now. net/http keeps the
// target in RequestURI untouched; keepRequestURI fills it for requests built in-process.
func originalURI(req *http.Request) string {
	uri := req.RequestURI
	if strings.HasPrefix(uri, "/") {
		return uri
	}
	// An absolute-form target ("http://host/path?q"), as sent to a proxy.
	if u, err := url.ParseRequestURI(uri); err == nil {
		return u.RequestURI()
	}
	return req.URL.RequestURI()
}

// keepRequestURI records the request target before the other Pre middlewares rewrite req.URL,
// for requests that reach the handler without one (built with http.NewRequest rather than
// received by a server).
func keepRequestURI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if req := c.Request(); req.RequestURI == "" {
			req.RequestURI = req.URL.RequestURI()
		}
		return next(c)
	}
}

// newForwardClient is the client for forwarded writes: its own connections, no redirects
// followed (the leader's answer is relayed as it is), and no proxy from the environment (the
// leader is a peer on the cluster's network, and the request may carry credentials).
func newForwardClient(timeout time.Duration, tlsConfig *tls.Config) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	if tlsConfig != nil {
		transport.TLSClientConfig = tlsConfig
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
