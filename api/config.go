package api

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

// optionalSubject returns the {subject} of /config/{subject} and /mode/{subject}, or "" for
// the global routes.
func optionalSubject(c echo.Context) (string, error) {
	if c.Param("subject") == "" {
		return "", nil
	}
	return pathParam(c, "subject")
}

func (h *handlers) getConfig(c echo.Context) error {
	subject, err := optionalSubject(c)
	if err != nil {
		return err
	}
	conf, err := h.store.GetConfig(c.Request().Context(), subject, boolQuery(c, "defaultToGlobal"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, newConfigResponse(conf))
}

// putConfig merges the body into the stored config. Fields sent as JSON null are cleared.
func (h *handlers) putConfig(c echo.Context) error {
	subject, err := optionalSubject(c)
	if err != nil {
		return err
	}
	var body json.RawMessage
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	// The fields are read once as values and once as raw JSON, to tell null (clear) from absent.
	var update configUpdate
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return errBadRequest(jsonMessage(err))
	}
	if err := json.Unmarshal(body, &update); err != nil {
		return errBadRequest(jsonMessage(err))
	}
	var clear []string
	for k, v := range raw {
		if string(v) == "null" {
			clear = append(clear, k)
		}
	}
	conf, err := update.toStore()
	if err != nil {
		return err
	}
	merged, err := h.store.SetConfig(c.Request().Context(), subject, conf, clear)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, newConfigUpdate(merged))
}

func (h *handlers) deleteConfig(c echo.Context) error {
	subject, err := optionalSubject(c)
	if err != nil {
		return err
	}
	prev, err := h.store.DeleteConfig(c.Request().Context(), subject)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, newConfigResponse(prev))
}
