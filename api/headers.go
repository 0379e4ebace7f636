package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// MaxHeaderBytes bounds a request's header section, request line included: net/http's own
// default. Larger ones get 431 with Confluent's error body.
const MaxHeaderBytes = http.DefaultMaxHeaderBytes

// ServerMaxHeaderBytes is the MaxHeaderBytes the http.Server serving the API must have so
// that headers between MaxHeaderBytes and it reach limitHeaders and get Confluent's JSON
// 431. net/http answers anything larger itself, in plain text, before any handler runs; the
// price of the headroom is that a connection may buffer up to this much header while
// --read-header-timeout runs.
const ServerMaxHeaderBytes = 4 << 20

// limitHeaders answers 431 to a request whose header section exceeds limit, counted as it
// came over the wire (request line, "Name: value" lines), and closes the connection after.
func limitHeaders(limit int) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if headerBytes(c.Request()) > limit {
				c.Response().Header().Set(echo.HeaderConnection, "close")
				return echo.NewHTTPError(http.StatusRequestHeaderFieldsTooLarge)
			}
			return next(c)
		}
	}
}

// headerBytes is the size of r's request line and header lines, CRLFs included. net/http
// moved the Host line into r.Host.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2
	if r.Host != "" {
		n += len("Host: ") + len(r.Host) + 2
	}
	for name, values := range r.Header {
		for _, v := range values {
			n += len(name) + 2 + len(v) + 2
		}
	}
	return n + 2
}
