package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// listSubjects lets the store cut the page (and leave out unreadable subjects), so that a
// page costs what it returns, not the registry's size.
func (h *handlers) listSubjects(c echo.Context) error {
	p, err := h.pageOf(c, 0)
	if err != nil {
		return err
	}
	subjects, err := h.store.Subjects(c.Request().Context(), store.SubjectsOptions{
		Prefix: queryParam(c, "subjectPrefix"), Deleted: boolQuery(c, "deleted"), DeletedOnly: boolQuery(c, "deletedOnly"), Page: p,
	})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, subjects)
}

// subjectAndBody reads the {subject} of the path and the schema request body.
func subjectAndBody(c echo.Context) (string, schemaRequest, error) {
	var body schemaRequest
	subject, err := pathParam(c, "subject")
	if err == nil {
		err = decodeSchemaRequest(c, &body)
	}
	return subject, body, err
}

// subjectAndVersion reads the {subject} and {version} of a version path.
func subjectAndVersion(c echo.Context) (string, int, error) {
	subject, err := pathParam(c, "subject")
	if err != nil {
		return "", 0, err
	}
	num, err := versionParam(c)
	return subject, num, err
}

func (h *handlers) registerSchema(c echo.Context) error {
	subject, body, err := subjectAndBody(c)
	if err != nil {
		return err
	}
	req := body.toStore()
	s, err := h.store.Register(c.Request().Context(), subject, req, boolQuery(c, "normalize"))
	h.observeRegistration(req.Type, err)
	if err != nil {
		return err
	}
	out := newRegisterResponse(s)
	return writeSchema(c, http.StatusOK, &out)
}

func (h *handlers) lookup(c echo.Context) error {
	subject, body, err := subjectAndBody(c)
	if err != nil {
		return err
	}
	if body.Schema == nil || javaBlank(*body.Schema) {
		return h.blankLookup(c, subject)
	}
	s, err := h.store.Lookup(c.Request().Context(), subject, body.toStore(), boolQuery(c, "normalize"), boolQuery(c, "deleted"))
	if err != nil {
		return err
	}
	out := newSchemaResponse(s)
	return writeSchema(c, http.StatusOK, &out)
}

// blankLookup answers a lookup without schema text as Confluent does: its canonicalizeSchema
// turns a null or blank schema into no schema, which matches nothing, so the answer is 40401
// for an unknown subject and 40403 otherwise, never an invalid schema.
func (h *handlers) blankLookup(c echo.Context, subject string) error {
	_, err := h.store.Versions(c.Request().Context(), subject, store.VersionsOptions{Deleted: boolQuery(c, "deleted")})
	if err != nil {
		return err
	}
	return &store.Error{Code: store.CodeSchemaNotFound, Message: "Schema not found"}
}

// javaBlank reports whether Java's String.trim would leave s empty: trim strips every
// character up to U+0020, control characters included.
func javaBlank(s string) bool {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }) == ""
}

func (h *handlers) deleteSubject(c echo.Context) error {
	subject, err := pathParam(c, "subject")
	if err != nil {
		return err
	}
	versions, err := h.store.DeleteSubject(c.Request().Context(), subject, boolQuery(c, "permanent"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, versions)
}

func (h *handlers) subjectMetadata(c echo.Context) error {
	subject, err := pathParam(c, "subject")
	if err != nil {
		return err
	}
	keys, values := c.QueryParams()["key"], c.QueryParams()["value"]
	pairs := map[string]string{}
	for i := 0; i < len(keys) && i < len(values); i++ {
		pairs[keys[i]] = values[i]
	}
	s, err := h.store.SubjectMetadata(c.Request().Context(), subject, pairs, boolQuery(c, "deleted"))
	if err != nil {
		return err
	}
	// format, as on a version (Confluent's getLatestWithMetadata takes it, no referenceFormat):
	// Python's Protobuf deserializer reads its use.latest.with.metadata reader as serialized.
	if s.Text, err = h.store.Render(c.Request().Context(), s, queryParam(c, "format")); err != nil {
		return err
	}
	out := newSchemaResponse(s)
	return writeSchema(c, http.StatusOK, &out)
}

func (h *handlers) listVersions(c echo.Context) error {
	subject, err := pathParam(c, "subject")
	if err != nil {
		return err
	}
	versions, err := h.store.Versions(c.Request().Context(), subject, store.VersionsOptions{
		Deleted: boolQuery(c, "deleted"), DeletedOnly: boolQuery(c, "deletedOnly"), DeletedAsNegative: boolQuery(c, "deletedAsNegative"),
	})
	if err != nil {
		return err
	}
	if versions, err = page(c, versions, 0); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, versions)
}

// version resolves the {subject} and {version} of a version path.
func (h *handlers) version(c echo.Context) (store.Schema, error) {
	subject, num, err := subjectAndVersion(c)
	if err != nil {
		return store.Schema{}, err
	}
	s, err := h.store.Version(c.Request().Context(), subject, num, boolQuery(c, "deleted"))
	if err != nil {
		return store.Schema{}, err
	}
	return h.formatted(c, s)
}

// formatted applies the format query parameter to a schema's text and referenceFormat to its
// references.
func (h *handlers) formatted(c echo.Context, s store.Schema) (store.Schema, error) {
	text, err := h.store.Render(c.Request().Context(), s, queryParam(c, "format"))
	s.Text = text
	if strings.EqualFold(queryParam(c, "referenceFormat"), "qualified") {
		s.References = s.QualifiedReferences()
	}
	return s, err
}

func (h *handlers) getVersion(c echo.Context) error {
	s, err := h.version(c)
	if err != nil {
		return err
	}
	out := newSchemaResponse(s)
	return writeSchema(c, http.StatusOK, &out)
}

func (h *handlers) rawVersion(c echo.Context) error {
	s, err := h.version(c)
	if err != nil {
		return err
	}
	return writeRaw(c, s.Text)
}

func (h *handlers) deleteVersion(c echo.Context) error {
	subject, num, err := subjectAndVersion(c)
	if err != nil {
		return err
	}
	deleted, err := h.store.DeleteVersion(c.Request().Context(), subject, num, boolQuery(c, "permanent"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, deleted)
}

func (h *handlers) referencedBy(c echo.Context) error {
	subject, num, err := subjectAndVersion(c)
	if err != nil {
		return err
	}
	ids, err := h.store.ReferencedBy(c.Request().Context(), subject, num, boolQuery(c, "deleted"))
	if err != nil {
		return err
	}
	if ids, err = page(c, ids, 1000); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, ids)
}
