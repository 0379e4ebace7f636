package api

import (
	"errors"
	"net/http"
	"os"
	"strings"
	"syscall"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// readyGate answers 503 while ready reports false: a store on a shared log that has not yet
// caught up with it would answer reads from a stale replica, and a client would take "subject
// not found" for the truth. The probes, the API document and the server metadata stay open, so
// that orchestrators and operators can see why. Confluent has no error_code for this; the
// status itself is the code, as for the framework's own errors.
func readyGate(ready func() bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if ready() || alwaysServed(c) {
				return next(c)
			}
			return echo.NewHTTPError(http.StatusServiceUnavailable, "Accord is catching up with its log and does not serve yet")
		}
	}
}

// alwaysServed reports whether the request is one readyGate lets through.
func alwaysServed(c echo.Context) bool {
	if c.Request().Method != http.MethodGet {
		return false
	}
	switch path := c.Path(); path {
	case "/healthz", "/readyz", "/openapi.yaml", "/metrics":
		return true
	default:
		return strings.HasPrefix(path, "/v1/metadata/")
	}
}

// storeReady is st.Ready, or always true without a store (an API built only to list its
// routes).
func storeReady(st *store.Store) func() bool {
	if st == nil {
		return func() bool { return true }
	}
	return st.Ready
}

// unwritableCause is the part of a write failure an anonymous prober may read: the system's
// own words ("no space left on device") without the file names around them, which would
// tell anyone who can reach the port where the data lives. The whole error is in the logs.
func unwritableCause(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	var pathErr *os.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Op + " failed"
	}
	return "write failed"
}

// readyz answers 200 once the store has caught up with its log and can write to it, 503
// before and while the embedded log cannot be written (a full disk): an orchestrator then
// sees why, while reads go on being served. With several instances it also says which one
// leads.
//
// The DEK Registry's store, when there is one, counts too: its routes answer 503 until it has
// caught up with its own log, and its log may fill its disk like the schemas'. So do the
// exporters' stores (ReadyStores).
func (h *handlers) readyz(c echo.Context) error {
	for _, st := range append([]*store.Store{h.store, h.cfg.Keys}, h.cfg.ReadyStores...) {
		if st == nil {
			continue
		}
		if !st.Ready() {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "starting"})
		}
		if err := st.Writable(); err != nil {
			h.cfg.Logger.Debug("readiness: the log cannot be written", "err", err)
			return c.JSON(http.StatusServiceUnavailable, struct {
				Status string `json:"status"`
				Reason string `json:"reason"`
			}{"unavailable", "the log cannot be written: " + unwritableCause(err)})
		}
	}
	body := map[string]any{"status": "ready", "offset": h.store.Offset()}
	if h.cfg.Leadership != nil {
		leader, self := h.cfg.Leadership.Leader()
		body["leader"], body["is_leader"] = leader, self
	}
	return c.JSON(http.StatusOK, body)
}
