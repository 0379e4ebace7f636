package api

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// The defaults of the request limits.
const (
	DefaultRequestTimeout = 60 * time.Second
	DefaultMaxInFlight    = 1024
)

// deadline gives every request a context that ends after d: a request stuck behind a
// stalled disk or an unreachable Kafka answers 50002 instead of holding its connection and
// goroutine forever.
func deadline(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx, cancel := context.WithTimeout(c.Request().Context(), d)
			defer cancel()
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
	slots := make(chan struct{}, max)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if isOpen(c.Request().URL.Path, true) {
				return next(c)
			}
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
				return next(c)
			default:
				c.Response().Header().Set("Retry-After", "1")
				return &store.Error{Code: store.CodeTooManyRequests, Message: "Too many requests in flight; retry later"}
			}
		}
	}
}
