package api

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// pathParam returns a path parameter decoded. echo routes on the escaped path when the URL has
// one, so that a subject containing %2F stays one segment; its parameters are then escaped.
func pathParam(c echo.Context, name string) (string, error) {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v, nil
	}
	decoded, err := url.PathUnescape(v)
	if err != nil {
		return "", errNotFound()
	}
	return decoded, nil
}

// versionParam parses {version}: "latest" (any case, trimmed) or -1 mean the latest version;
// otherwise an integer in [1, 2^31-1], else 42202.
func versionParam(c echo.Context) (int, error) {
	raw, err := pathParam(c, "version")
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(raw)
	if strings.EqualFold(s, "latest") {
		return store.Latest, nil
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n == 0 || n < -1 {
		return 0, store.InvalidVersion(raw)
	}
	if n == -1 {
		return store.Latest, nil
	}
	return int(n), nil
}

// idParam parses {id}; a non-integer is a plain 404, as Confluent's path conversion gives.
func idParam(c echo.Context) (int, error) {
	n, err := strconv.ParseInt(c.Param("id"), 10, 32)
	if err != nil {
		return 0, errNotFound()
	}
	return int(n), nil
}

// boolQuery is true only for a case-insensitive "true"; anything else, garbage included, is
// false, as in Confluent.
func boolQuery(c echo.Context, name string) bool {
	return strings.EqualFold(queryParam(c, name), "true")
}

// queryParam is c.QueryParam, without parsing (and keeping) the query of a request that has
// none, as most have.
func queryParam(c echo.Context, name string) string {
	if c.Request().URL.RawQuery == "" {
		return ""
	}
	return c.QueryParam(name)
}

// intQuery parses an optional integer query parameter; a value that does not convert is 404.
func intQuery(c echo.Context, name string, def int) (int, error) {
	v := queryParam(c, name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
	if err != nil {
		return 0, errNotFound()
	}
	return int(n), nil
}

// page applies offset and limit (limit <= 0 means unlimited, or maxLimit when set).
func page[T any](c echo.Context, items []T, maxLimit int) ([]T, error) {
	p, err := pageParams(c, maxLimit)
	if err != nil {
		return nil, err
	}
	if p.Offset >= len(items) {
		return items[:0], nil
	}
	items = items[p.Offset:]
	if p.Limit > 0 && p.Limit < len(items) {
		items = items[:p.Limit]
	}
	return items, nil
}

// pageOf reads offset and limit for the store to apply (limit <= 0 means unlimited, or
// maxLimit when set), with the subjects the principal may not read left out of the page.
func (h *handlers) pageOf(c echo.Context, maxLimit int) (store.Page, error) {
	p, err := pageParams(c, maxLimit)
	if err == nil && h.cfg.Policy != nil && h.cfg.Policy.Restricts() {
		p.Keep = func(subject string) bool { return h.readable(c, subject) }
	}
	return p, err
}

// pageParams reads offset and limit: limit <= 0 means unlimited, or maxLimit when set.
func pageParams(c echo.Context, maxLimit int) (store.Page, error) {
	offset, err := intQuery(c, "offset", 0)
	if err != nil {
		return store.Page{}, err
	}
	limit, err := intQuery(c, "limit", -1)
	if err != nil {
		return store.Page{}, err
	}
	if limit <= 0 || (maxLimit > 0 && limit > maxLimit) {
		limit = maxLimit
	}
	return store.Page{Offset: max(offset, 0), Limit: limit}, nil
}
