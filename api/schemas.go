package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
)

// searchLimit is Confluent's default and maximum page for /schemas.
const searchLimit = 1000

// listSchemas is Confluent's SchemasResource.getSchemas; the store cuts the page. The associations attached by an
// association filter are those of the schema's own subject, so they name only readable
// subjects once the schemas are.
func (h *handlers) listSchemas(c echo.Context) error {
	assocs, err := schemaAssociationFilter(c)
	if err != nil {
		return err
	}
	p, err := h.pageOf(c, searchLimit)
	if err != nil {
		return err
	}
	schemas, err := h.store.Schemas(c.Request().Context(), store.SchemasOptions{
		Prefix: queryParam(c, "subjectPrefix"), Deleted: boolQuery(c, "deleted"), LatestOnly: boolQuery(c, "latestOnly"),
		RuleType: queryParam(c, "ruleType"), Aliases: boolQuery(c, "aliases"), Associations: assocs, Page: p,
	})
	if err != nil {
		return err
	}
	for i := range schemas {
		schemas[i].Aliases = readableOnly(h, c, schemas[i].Aliases, func(s string) string { return s })
	}
	out := make([]schemaJSON, len(schemas))
	for i, s := range schemas {
		out[i] = newSchemaResponse(s)
	}
	return writeJSON(c, http.StatusOK, out)
}

// schemaAssociationFilter reads the association filter of GET /schemas: nil unless
// resourceType, associationType or lifecycle is present, even empty. resourceType has no
// default here, unlike the /associations routes. Each lifecycle must name a
// LifecyclePolicyFilter constant (STRONG, WEAK, NONE); another value, the empty one included,
// does not convert (Enum.valueOf), which JAX-RS answers with 404.
func schemaAssociationFilter(c echo.Context) (*store.SchemaAssociations, error) {
	q := c.QueryParams()
	resourceType, hasType := q["resourceType"]
	assocTypes, lifecycles := q["associationType"], q["lifecycle"]
	if !hasType && len(assocTypes) == 0 && len(lifecycles) == 0 {
		return nil, nil
	}
	for _, l := range lifecycles {
		if l != store.LifecycleStrong && l != store.LifecycleWeak && l != store.LifecycleNone {
			return nil, errNotFound()
		}
	}
	f := &store.SchemaAssociations{AssociationTypes: assocTypes, Lifecycles: lifecycles}
	if hasType {
		f.ResourceType = &resourceType[0]
	}
	return f, nil
}

func (h *handlers) schemaTypes(c echo.Context) error {
	return writeJSON(c, http.StatusOK, compat.SupportedTypes())
}

func (h *handlers) schemaByID(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	subject := queryParam(c, "subject")
	s, err := h.store.SchemaByID(c.Request().Context(), id, subject, boolQuery(c, "fetchMaxId"))
	if err != nil {
		return err
	}
	if s, err = h.formatted(c, s); err != nil {
		return err
	}
	out := newSchemaString(s)
	// The id is readable through some subject; the one reported must be readable too.
	if subject != "" && h.readable(c, s.Subject) {
		out.Subject, out.Version = s.Subject, s.Version
	}
	return writeSchema(c, http.StatusOK, &out)
}

func (h *handlers) rawSchemaByID(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	s, err := h.store.SchemaByID(c.Request().Context(), id, queryParam(c, "subject"), false)
	if err != nil {
		return err
	}
	if s, err = h.formatted(c, s); err != nil {
		return err
	}
	return writeRaw(c, s.Text)
}

func (h *handlers) idVersions(c echo.Context) error {
	svs, err := h.subjectVersionsOfID(c)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, svs)
}

func (h *handlers) idSubjects(c echo.Context) error {
	svs, err := h.subjectVersionsOfID(c)
	if err != nil {
		return err
	}
	subjects := make([]string, len(svs))
	for i, sv := range svs {
		subjects[i] = sv.Subject
	}
	return writeJSON(c, http.StatusOK, subjects)
}

func (h *handlers) subjectVersionsOfID(c echo.Context) ([]store.SubjectVersion, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	svs, err := h.store.IDVersions(c.Request().Context(), id, queryParam(c, "subject"), boolQuery(c, "deleted"))
	if err != nil {
		return nil, err
	}
	svs = readableOnly(h, c, svs, func(sv store.SubjectVersion) string { return sv.Subject })
	return page(c, svs, 0)
}

func (h *handlers) schemaByGUID(c echo.Context) error {
	s, err := h.store.SchemaByGUID(c.Request().Context(), c.Param("guid"))
	if err != nil {
		return err
	}
	if s, err = h.formatted(c, s); err != nil {
		return err
	}
	out := newSchemaString(s)
	return writeSchema(c, http.StatusOK, &out)
}

func (h *handlers) guidIDs(c echo.Context) error {
	ids, err := h.store.GUIDIDs(c.Request().Context(), c.Param("guid"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, ids)
}
