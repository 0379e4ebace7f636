package api

import (
	"errors"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// The defaults of the request limits.
const (
	DefaultRequestTimeout = 60 * time.Second
	DefaultMaxInFlight    = 1024
	// DefaultBodyReadTimeout is shorter than DefaultRequestTimeout: the request's deadline
	// does not interrupt a read of its body, so this is what bounds that read.
	DefaultBodyReadTimeout = 30 * time.Second
)

// deadline gives every request a context that ends after d: a request stuck behind a
// stalled disk or an unreachable Kafka answers 50002 instead of holding its connection and
// goroutine forever. Its timer is armed only if the request waits (deadlineContext).
func deadline(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx := newDeadlineContext(c.Request().Context(), d)
			defer ctx.release()
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

// limitInFlight answers 429, with Confluent's error body and Retry-After, to a request that
// finds max requests already in flight: a burst beyond what the server can hold is turned
// away at once rather than queued until everything times out. The probes and /metrics are
// always served, so that the server can be watched while it sheds load.
func limitInFlight(max int) echo.MiddlewareFunc {
	var inFlight atomic.Int64
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if isOpen(c.Request().URL.Path, true) {
				return next(c)
			}
			defer inFlight.Add(-1)
			if inFlight.Add(1) > int64(max) {
				c.Response().Header().Set("Retry-After", "1")
				return &store.Error{Code: store.CodeTooManyRequests, Message: "Too many requests in flight; retry later"}
			}
			return next(c)
		}
	}
}

// limitBodyRead gives a request's body d to arrive, counted from when its handling starts.
// A client that sends its body slowly would otherwise hold an in-flight slot (and a
// goroutine) for as long as it likes: io.ReadAll does not watch the request's context. The
// deadline is on the connection, so it also ends a read blocked with no byte coming; past it
// the answer is 408 and the connection is closed, since the rest of the body is still on it.
//
// A request without a body gets no deadline, and the deadline is lifted once the body has
// been read: net/http then reads the connection in the background to notice the client
// leaving, and a deadline passing there would cancel the request's context.
func limitBodyRead(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Body == nil || req.Body == http.NoBody {
				return next(c)
			}
			rc := http.NewResponseController(c.Response())
			if rc.SetReadDeadline(time.Now().Add(d)) != nil {
				return next(c) // a connection without deadlines: nothing to bound
			}
			body := &deadlineBody{ReadCloser: req.Body, lift: func() { _ = rc.SetReadDeadline(time.Time{}) }}
			req.Body = body
			err := next(c)
			if body.expired.Load() {
				c.Response().Header().Set(echo.HeaderConnection, "close")
				return echo.NewHTTPError(http.StatusRequestTimeout, "Request body not received within the body read timeout")
			}
			return err
		}
	}
}

// deadlineBody is a request body read under a connection deadline.
type deadlineBody struct {
	io.ReadCloser
	lift    func()
	expired atomic.Bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.expired.Store(true)
	case errors.Is(err, io.EOF):
		b.lift()
	}
	return n, err
}
