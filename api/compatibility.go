package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

func (h *handlers) checkVersion(c echo.Context) error {
	num, err := versionParam(c)
	if err != nil {
		return err
	}
	return h.check(c, num)
}

func (h *handlers) checkAll(c echo.Context) error { return h.check(c, 0) }

// check runs a compatibility test of the body against version num of the subject (0: every
// version registration would test).
func (h *handlers) check(c echo.Context, num int) error {
	subject, body, err := subjectAndBody(c)
	if err != nil {
		return err
	}
	verbose := boolQuery(c, "verbose")
	req := body.toStore()
	res, err := h.store.CheckCompatibility(c.Request().Context(), subject, req, store.CheckOptions{
		Version: num, Normalize: boolQuery(c, "normalize"), Verbose: verbose,
	})
	h.observeCheck(req.Type, res, err)
	if err != nil {
		return err
	}
	if verbose {
		msgs := res.Messages
		if msgs == nil {
			msgs = []string{}
		}
		return writeJSON(c, http.StatusOK, verboseCompatibilityResponse{IsCompatible: res.Compatible, Messages: msgs})
	}
	return writeJSON(c, http.StatusOK, compatibilityResponse{IsCompatible: res.Compatible})
}
