package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/store"
)

// Schema Linking's exporters (/exporters), Confluent's SchemaExporterResource: the handlers
// decode and answer; the rules are the exporter.Manager's (Config.Exporters).

// exporters returns the manager; an API built without one answers 404, as Confluent does
// without its exporter extension.
func (h *handlers) exporters() (*exporter.Manager, error) {
	m := h.cfg.Exporters
	if m == nil {
		return nil, errNotFound()
	}
	if !m.Ready() {
		return nil, echo.NewHTTPError(http.StatusServiceUnavailable, "Accord is catching up with its log and does not serve yet")
	}
	return m, nil
}

// exporterPath returns the manager and the {name} of an exporter's route.
func (h *handlers) exporterPath(c echo.Context) (*exporter.Manager, string, error) {
	m, err := h.exporters()
	if err != nil {
		return nil, "", err
	}
	name, err := pathParam(c, "name")
	return m, name, err
}

// exporterName is the answer of every successful write but DELETE (ExporterResponse).
type exporterName struct {
	Name string `json:"name"`
}

// exporterUpdate is the body of PUT /exporters/{name} (ExporterUpdateRequest): absent fields
// keep their value.
type exporterUpdate struct {
	ContextType         *string            `json:"contextType"`
	Context             *string            `json:"context"`
	Subjects            *[]string          `json:"subjects"`
	SubjectRenameFormat *string            `json:"subjectRenameFormat"`
	KekRenameFormat     *string            `json:"kekRenameFormat"`
	Config              *map[string]string `json:"config"`
}

func (h *handlers) listExporters(c echo.Context) error {
	m, err := h.exporters()
	if err != nil {
		return err
	}
	names, err := m.Names(c.Request().Context())
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, names)
}

func (h *handlers) createExporter(c echo.Context) error {
	m, err := h.exporters()
	if err != nil {
		return err
	}
	var body store.Exporter
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	if err := m.Create(c.Request().Context(), body); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, exporterName{body.Name})
}

func (h *handlers) getExporter(c echo.Context) error {
	m, name, err := h.exporterPath(c)
	if err != nil {
		return err
	}
	e, err := m.Get(c.Request().Context(), name)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, e)
}

func (h *handlers) updateExporter(c echo.Context) error {
	m, name, err := h.exporterPath(c)
	if err != nil {
		return err
	}
	var body exporterUpdate
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	u := exporter.Update{ContextType: body.ContextType, Context: body.Context, Subjects: body.Subjects,
		SubjectRenameFormat: body.SubjectRenameFormat, KekRenameFormat: body.KekRenameFormat, Config: body.Config}
	if err := m.Update(c.Request().Context(), name, u); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, exporterName{name})
}

func (h *handlers) deleteExporter(c echo.Context) error {
	m, name, err := h.exporterPath(c)
	if err != nil {
		return err
	}
	if err := m.Delete(c.Request().Context(), name); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) exporterStatus(c echo.Context) error {
	m, name, err := h.exporterPath(c)
	if err != nil {
		return err
	}
	st, err := m.Status(c.Request().Context(), name)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, st)
}

func (h *handlers) getExporterConfig(c echo.Context) error {
	m, name, err := h.exporterPath(c)
	if err != nil {
		return err
	}
	cfg, err := m.Config(c.Request().Context(), name)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, cfg)
}

// putExporterConfig takes Confluent's flat map, and also a map wrapped as {"config": {...}}
// (what some other registries take): a body whose only key is "config" holding an object.
func (h *handlers) putExporterConfig(c echo.Context) error {
	m, name, err := h.exporterPath(c)
	if err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := decodeBody(c, &raw); err != nil {
		return err
	}
	if inner, ok := raw["config"]; ok && len(raw) == 1 && len(inner) > 0 && inner[0] == '{' {
		raw = nil
		if err := json.Unmarshal(inner, &raw); err != nil {
			return errBadRequest(jsonMessage(err))
		}
	}
	cfg := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return errBadRequest("Exporter config values are strings; '" + k + "' is not")
		}
		cfg[k] = s
	}
	if err := m.SetConfig(c.Request().Context(), name, cfg); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, exporterName{name})
}

// exporterVerb is PUT /exporters/{name}/pause|resume|reset: no body, {"name"} answered.
func (h *handlers) exporterVerb(verb func(m *exporter.Manager, ctx context.Context, name string) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		m, name, err := h.exporterPath(c)
		if err != nil {
			return err
		}
		if err := verb(m, c.Request().Context(), name); err != nil {
			return err
		}
		return writeJSON(c, http.StatusOK, exporterName{name})
	}
}
