package api

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api/auth"
	"github.com/accord-registry/accord/store"
)

// Authenticator checks a caller's HTTP Basic credentials (package auth reads them from a
// users file). A client certificate verified by the TLS handshake authenticates too.
type Authenticator interface {
	// Check returns nil when user and password are valid, a *auth.Throttled when they
	// were not checked and the client should retry later, and another error when they are
	// not valid. client is the caller's IP address, which failures are limited by.
	Check(ctx context.Context, user, password, client string) error
}

// principalKey is where a request's authenticated user is kept in its echo.Context.
const principalKey = "accord.principal"

// isOpen reports the paths served without credentials: probes of load balancers and
// orchestrators carry none, and they reveal nothing about the registry's contents; and
// /metrics when the operator lets a scraper in without credentials.
func isOpen(path string, metricsAnonymous bool) bool {
	return path == "/healthz" || path == "/readyz" || metricsAnonymous && path == "/metrics"
}

// authenticate answers 401, with Confluent's error body and a WWW-Authenticate challenge,
// to a request without valid Basic credentials, and 429 with Retry-After to one whose
// credentials were not checked (auth.Throttled). A 401 would tell the client its password
// is wrong, which it may not be, and make it ask its user again; 429 makes it retry. Failed
// logins are logged (failedLogins), without the password.
func authenticate(a Authenticator, metricsAnonymous bool, logger *slog.Logger) echo.MiddlewareFunc {
	failures := newFailedLogins(logger, time.Now)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if isOpen(c.Request().URL.Path, metricsAnonymous) {
				return next(c)
			}
			// Basic credentials first: a write a follower forwards comes over the follower's
			// own client certificate but carries the caller's Authorization header.
			if user, password, ok := c.Request().BasicAuth(); ok {
				client := clientAddress(c.Request())
				if err := a.Check(c.Request().Context(), user, password, client); err != nil {
					failures.log(c.Request().Context(), user, client, c.Response().Header().Get(headerRequestID), err)
					return refusal(c, err)
				}
				c.Set(principalKey, user)
				return next(c)
			}
			if p, ok := certificatePrincipal(c.Request()); ok {
				c.Set(principalKey, p)
				return next(c)
			}
			return unauthorized(c)
		}
	}
}

// refusal is the answer to credentials Check did not accept.
func refusal(c echo.Context, err error) error {
	var throttled *auth.Throttled
	if errors.As(err, &throttled) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(max(throttled.RetryAfter, time.Second)/time.Second)))
		return &store.Error{Code: store.CodeTooManyRequests, Message: "Too many login attempts; retry later"}
	}
	return unauthorized(c)
}

// clientAddress is the IP address the request came from. X-Forwarded-For is not trusted:
// a client could name any address in it, and so escape the limit on its failures.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Failed logins are logged at most maxFailedLoginLines times a failedLoginInterval; the
// first one after an interval with more says how many were left out. A flood of bad
// credentials cannot fill the disk, and brute force still shows.
const (
	maxFailedLoginLines  = 20
	failedLoginInterval  = time.Minute
	maxLoggedUserNameLen = 64
)

// failedLogins writes the rate-limited failed-login lines.
type failedLogins struct {
	logger *slog.Logger
	now    func() time.Time

	mu                 sync.Mutex
	since              time.Time
	logged, suppressed int
}

func newFailedLogins(logger *slog.Logger, now func() time.Time) *failedLogins {
	return &failedLogins{logger: logger, now: now, since: now()}
}

// log writes one failed login: the user name given (cut to maxLoggedUserNameLen bytes, as it
// may be anything), the client's address, the request id and why. Never the password.
func (f *failedLogins) log(ctx context.Context, user, client, requestID string, err error) {
	f.mu.Lock()
	now := f.now()
	suppressed := 0
	if now.Sub(f.since) >= failedLoginInterval {
		suppressed = f.suppressed
		f.since, f.logged, f.suppressed = now, 0, 0
	}
	write := f.logged < maxFailedLoginLines
	if write {
		f.logged++
	} else {
		f.suppressed++
	}
	f.mu.Unlock()
	if suppressed > 0 {
		f.logger.WarnContext(ctx, "failed logins not logged", "count", suppressed, "limit", maxFailedLoginLines, "interval", failedLoginInterval)
	}
	if !write {
		return
	}
	if len(user) > maxLoggedUserNameLen {
		user = user[:maxLoggedUserNameLen] + "…"
	}
	reason := "bad credentials"
	var throttled *auth.Throttled
	if errors.As(err, &throttled) {
		reason = throttled.Reason
	}
	f.logger.WarnContext(ctx, "login failed", "user", user, "remote", client, "request_id", requestID, "reason", reason)
}

// unauthorized is the 401 with the challenge that makes clients send credentials.
func unauthorized(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Basic realm="accord", charset="UTF-8"`)
	return &store.Error{Code: store.CodeUnauthorized, Message: "Unauthorized"}
}

// certificatePrincipal is the principal of a client certificate the TLS handshake verified
// (serve --tls-client-ca): its subject's common name, else its first subject alternative
// name (DNS name, email address, then URI).
func certificatePrincipal(r *http.Request) (string, bool) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return "", false
	}
	leaf := r.TLS.VerifiedChains[0][0]
	switch {
	case leaf.Subject.CommonName != "":
		return leaf.Subject.CommonName, true
	case len(leaf.DNSNames) > 0:
		return leaf.DNSNames[0], true
	case len(leaf.EmailAddresses) > 0:
		return leaf.EmailAddresses[0], true
	case len(leaf.URIs) > 0:
		return leaf.URIs[0].String(), true
	}
	return "", false
}

// principal is the authenticated user of a request, or "" when authentication is off.
func principal(c echo.Context) string {
	p, _ := c.Get(principalKey).(string)
	return p
}
