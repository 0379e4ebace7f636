package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/openapi"
)

func (h *handlers) root(c echo.Context) error {
	return writeJSON(c, http.StatusOK, struct{}{})
}

func (h *handlers) listContexts(c echo.Context) error {
	ctxs, err := h.store.Contexts(c.Request().Context())
	if err != nil {
		return err
	}
	if prefix := queryParam(c, "contextPrefix"); prefix != "" {
		kept := ctxs[:0]
		for _, ctx := range ctxs {
			if strings.HasPrefix(ctx, prefix) {
				kept = append(kept, ctx)
			}
		}
		ctxs = kept
	}
	if ctxs, err = page(c, ctxs, 0); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, ctxs)
}

func (h *handlers) deleteContext(c echo.Context) error {
	name, err := pathParam(c, "context")
	if err != nil {
		return err
	}
	if err := h.store.DeleteContext(c.Request().Context(), name); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) clusterID(c echo.Context) error {
	type clusters struct {
		Kafka          string `json:"kafka-cluster"`
		SchemaRegistry string `json:"schema-registry-cluster"`
	}
	type scope struct {
		Path     []string `json:"path"`
		Clusters clusters `json:"clusters"`
	}
	return writeJSON(c, http.StatusOK, struct {
		Scope scope `json:"scope"`
	}{scope{Path: []string{}, Clusters: clusters{Kafka: h.cfg.ClusterID, SchemaRegistry: "schema-registry"}}})
}

func (h *handlers) serverVersion(c echo.Context) error {
	return writeJSON(c, http.StatusOK, map[string]string{"version": h.cfg.Version, "commitId": h.cfg.Commit})
}

// deployment is Confluent's SchemaRegistryDeployment: the configured attributes, each trimmed,
// and an empty list when none are.
func (h *handlers) deployment(c echo.Context) error {
	attrs := make([]string, 0, len(h.cfg.DeploymentAttributes))
	for _, a := range h.cfg.DeploymentAttributes {
		attrs = append(attrs, strings.TrimSpace(a))
	}
	return writeJSON(c, http.StatusOK, map[string][]string{"attributes": attrs})
}

func (h *handlers) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (h *handlers) openapiDocument(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", openapi.YAML())
}

// metrics serves the Prometheus metrics; 404 when the server has none.
func (h *handlers) metrics(c echo.Context) error {
	if h.cfg.Metrics == nil {
		return errNotFound()
	}
	h.cfg.Metrics.Handler().ServeHTTP(c.Response(), c.Request())
	return nil
}
