package api

import (
	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// Authenticator checks a caller's HTTP Basic credentials (package auth reads them from a
// users file).
type Authenticator interface {
	Authenticate(user, password string) bool
}

// principalKey is where a request's authenticated user is kept in its echo.Context.
const principalKey = "accord.principal"

// isProbe reports the paths served without credentials: probes of load balancers and
// orchestrators carry none, and they reveal nothing about the registry's contents.
func isProbe(path string) bool { return path == "/healthz" || path == "/readyz" }

// authenticate answers 401, with Confluent's error body and a WWW-Authenticate challenge,
// to a request without valid Basic credentials. Nothing of the credentials is logged.
func authenticate(a Authenticator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if isProbe(c.Request().URL.Path) {
				return next(c)
			}
			user, password, ok := c.Request().BasicAuth()
			if !ok || !a.Authenticate(user, password) {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Basic realm="accord", charset="UTF-8"`)
				return &store.Error{Code: store.CodeUnauthorized, Message: "Unauthorized"}
			}
			c.Set(principalKey, user)
			return next(c)
		}
	}
}

// principal is the authenticated user of a request, or "" when authentication is off.
func principal(c echo.Context) string {
	p, _ := c.Get(principalKey).(string)
	return p
}
