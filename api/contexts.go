package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// rewriteContextPaths maps `/contexts/{ctx}/...` onto the plain routes with context-qualified
// subjects, as Confluent does for its /contexts/{context} prefix. franz-go sends every request
// this way once a context is configured. The bare /contexts list and DELETE /contexts/{ctx} are
// left alone.
func rewriteContextPaths(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !strings.HasPrefix(echo.GetPath(req), "/contexts/") {
			return next(c)
		}
		segs := strings.Split(strings.TrimPrefix(echo.GetPath(req), "/"), "/")
		if len(segs) < 3 || segs[0] != "contexts" {
			return next(c)
		}
		ctx, err := url.PathUnescape(segs[1])
		if err != nil {
			c.Set(pathErrorKey, errNotFound())
			return next(c)
		}
		if strings.Contains(ctx, ":") {
			c.Set(pathErrorKey, &store.Error{Code: store.CodeBadRequest, Message: "Context name '" + ctx + "' cannot contain a colon"})
			return next(c)
		}
		prefix := contextPrefix(ctx)
		rest, query := rewriteRest(segs[2:], prefix, req.URL.Query())
		setPath(req, "/"+strings.Join(rest, "/"))
		req.URL.RawQuery = query.Encode()
		return next(c)
	}
}

// pathErrorKey holds an error found in the path before routing; failPathErrors answers it
// after authentication, so that a caller without credentials learns nothing from it.
const pathErrorKey = "accord.pathError"

// failPathErrors answers the error rewriteContextPaths found, if any.
func failPathErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err, ok := c.Get(pathErrorKey).(error); ok {
			return err
		}
		return next(c)
	}
}

// contextPrefix is the qualifier for a context: `:.ctx:`, or `:.:` for the default context.
func contextPrefix(ctx string) string {
	if !strings.HasPrefix(ctx, ".") {
		ctx = "." + ctx
	}
	return ":" + ctx + ":"
}

// rewriteRest rewrites the path after /contexts/{ctx} and its query.
func rewriteRest(rest []string, prefix string, q url.Values) ([]string, url.Values) {
	escaped := url.PathEscape(prefix)
	switch {
	case rest[0] == "subjects" && len(rest) == 1:
		qualifyPrefixes(q, prefix)
	case rest[0] == "subjects":
		rest[1] = qualifySegment(rest[1], escaped)
	case rest[0] == "compatibility" && len(rest) > 2 && rest[1] == "subjects":
		rest[2] = qualifySegment(rest[2], escaped)
	case (rest[0] == "config" || rest[0] == "mode") && len(rest) == 1:
		rest = append(rest, escaped)
	case rest[0] == "config" || rest[0] == "mode":
		rest[1] = qualifySegment(rest[1], escaped)
	case rest[0] == "schemas" && len(rest) == 1:
		qualifyPrefixes(q, prefix)
	case rest[0] == "schemas" && len(rest) > 1 && rest[1] == "ids":
		if s := q.Get("subject"); !qualified(s) {
			q.Set("subject", prefix+s)
		}
	}
	return rest, q
}

func qualified(s string) bool { return strings.HasPrefix(s, ":.") || strings.HasPrefix(s, ":*:") }

func qualifySegment(seg, escapedPrefix string) string {
	if unescaped, err := url.PathUnescape(seg); err == nil && qualified(unescaped) {
		return seg
	}
	return escapedPrefix + seg
}

// qualifyPrefixes prefixes every subjectPrefix value with the context (or adds one).
func qualifyPrefixes(q url.Values, prefix string) {
	values := q["subjectPrefix"]
	if len(values) == 0 {
		q.Set("subjectPrefix", prefix)
		return
	}
	for i, v := range values {
		if !qualified(v) {
			values[i] = prefix + v
		}
	}
}

// trimTrailingSlash drops one trailing slash (the Java client posts to
// /compatibility/subjects/{s}/versions/). It edits the escaped path too, which echo routes on
// when a subject contains %2F.
func trimTrailingSlash(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if p := echo.GetPath(req); len(p) > 1 && strings.HasSuffix(p, "/") {
			setPath(req, strings.TrimSuffix(p, "/"))
		}
		return next(c)
	}
}

// setPath replaces the request path, keeping the escaped form echo routes on.
func setPath(req *http.Request, escaped string) {
	if path, err := url.PathUnescape(escaped); err == nil {
		req.URL.Path = path
	}
	req.URL.RawPath = ""
	if req.URL.EscapedPath() != escaped {
		req.URL.RawPath = escaped
	}
}
