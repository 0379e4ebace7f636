package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

func (h *handlers) getMode(c echo.Context) error {
	subject, err := optionalSubject(c)
	if err != nil {
		return err
	}
	mode, err := h.store.GetMode(c.Request().Context(), subject, boolQuery(c, "defaultToGlobal"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, modeBody{Mode: string(mode)})
}

// putMode sets the mode and echoes the request body, as Confluent does. {"mode": null}
// removes the stored mode.
func (h *handlers) putMode(c echo.Context) error {
	subject, err := optionalSubject(c)
	if err != nil {
		return err
	}
	var body struct {
		Mode *string `json:"mode"`
	}
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	var mode store.Mode
	if body.Mode != nil {
		m, ok := store.ParseMode(*body.Mode)
		if !ok {
			return store.InvalidMode()
		}
		mode = m
	}
	if err := h.store.SetMode(c.Request().Context(), subject, mode, boolQuery(c, "force")); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, body)
}

func (h *handlers) deleteMode(c echo.Context) error {
	subject, err := optionalSubject(c)
	if err != nil {
		return err
	}
	prev, err := h.store.DeleteMode(c.Request().Context(), subject, boolQuery(c, "recursive"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, modeBody{Mode: string(prev)})
}
