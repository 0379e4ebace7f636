package api

import "github.com/labstack/echo/v4"

// Echo applies its middlewares anew to every request: each middleware wraps the next in a
// fresh closure, a dozen allocations per request before the handler runs, which cost more
// than the cheapest handlers do. The API's chain is built once instead, when it is made:
// one Pre middleware that runs the middlewares meant to see the request before routing,
// routes it (as echo.Echo.ServeHTTP would), then runs the middlewares meant to see the
// matched route, ending in the handler the router chose (the route's, or the 404 or 405).
//
// Middlewares added to the echo instance after New (with Use) are never reached: the
// chain does not call echo's own routing step.
func chainOnce(e *echo.Echo, pre, routed []echo.MiddlewareFunc) echo.MiddlewareFunc {
	inner := compose(func(c echo.Context) error { return c.Handler()(c) }, routed)
	outer := compose(func(c echo.Context) error {
		e.Router().Find(c.Request().Method, echo.GetPath(c.Request()), c)
		return inner(c)
	}, pre)
	return func(echo.HandlerFunc) echo.HandlerFunc { return outer }
}

// compose wraps h in mws, the first outermost, in the order echo.Echo.Use runs them.
func compose(h echo.HandlerFunc, mws []echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}
