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
	return strings.EqualFold(c.QueryParam(name), "true")
}

// intQuery parses an optional integer query parameter; a value that does not convert is 404.
func intQuery(c echo.Context, name string, def int) (int, error) {
	v := c.QueryParam(name)
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
	offset, err := intQuery(c, "offset", 0)
	if err != nil {
		return nil, err
	}
	limit, err := intQuery(c, "limit", -1)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || (maxLimit > 0 && limit > maxLimit) {
		limit = maxLimit
	}
	if offset < 0 {
		offset = 0
	}
	if offset >= len(items) {
		return items[:0], nil
	}
	items = items[offset:]
	if limit > 0 && limit < len(items) {
		items = items[:limit]
	}
	return items, nil
}
