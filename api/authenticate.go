package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// Authenticator checks a caller's HTTP Basic credentials (package auth reads them from a
// users file). A client certificate verified by the TLS handshake authenticates too.
type Authenticator interface {
	Authenticate(user, password string) bool
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
// to a request without valid Basic credentials. Nothing of the credentials is logged.
func authenticate(a Authenticator, metricsAnonymous bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if isOpen(c.Request().URL.Path, metricsAnonymous) {
				return next(c)
			}
			// Basic credentials first: a write a follower forwards comes over the follower's
			// own client certificate but carries the caller's Authorization header.
			if user, password, ok := c.Request().BasicAuth(); ok {
				if !a.Authenticate(user, password) {
					return unauthorized(c)
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
