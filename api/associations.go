package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// defaultResourceType is AssociationsResource.DEFAULT_RESOURCE_TYPE: an absent or empty
// resourceType means topics.
const defaultResourceType = "topic"

// The association reads of Confluent's AssociationsResource. Each lists only associations
// whose subject the caller may read, so they are authorized here rather than by route.

func (h *handlers) associationsBySubject(c echo.Context) error {
	subject, err := pathParam(c, "subject")
	if err != nil {
		return err
	}
	f, err := associationFilter(c)
	if err != nil {
		return err
	}
	list, err := h.store.AssociationsBySubject(c.Request().Context(), subject, f)
	return h.writeAssociations(c, list, err)
}

func (h *handlers) associationsByResourceID(c echo.Context) error {
	id, err := pathParam(c, "resourceId")
	if err != nil {
		return err
	}
	f, err := associationFilter(c)
	if err != nil {
		return err
	}
	list, err := h.store.AssociationsByResourceID(c.Request().Context(), id, f)
	return h.writeAssociations(c, list, err)
}

func (h *handlers) associationsByResource(c echo.Context) error {
	namespace, err := pathParam(c, "resourceNamespace")
	if err != nil {
		return err
	}
	name, err := pathParam(c, "resourceName")
	if err != nil {
		return err
	}
	f, err := associationFilter(c)
	if err != nil {
		return err
	}
	list, err := h.store.AssociationsByResource(c.Request().Context(), namespace, name, f)
	return h.writeAssociations(c, list, err)
}

// writeAssociations answers the readable associations of list, a page of them.
func (h *handlers) writeAssociations(c echo.Context, list []store.Association, err error) error {
	if err != nil {
		return err
	}
	list = readableOnly(h, c, list, func(a store.Association) string { return a.Subject })
	if list, err = page(c, list, searchLimit); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, list)
}

// associationFilter reads resourceType (default topic), the repeatable associationType and
// lifecycle, STRONG or WEAK: another value, the empty one included, does not convert to
// Confluent's LifecyclePolicy (Enum.valueOf), which JAX-RS answers with 404.
func associationFilter(c echo.Context) (store.AssociationFilter, error) {
	f := store.AssociationFilter{ResourceType: queryParam(c, "resourceType"), AssociationTypes: c.QueryParams()["associationType"],
		Lifecycle: queryParam(c, "lifecycle")}
	if f.ResourceType == "" {
		f.ResourceType = defaultResourceType
	}
	_, given := c.QueryParams()["lifecycle"]
	switch {
	case !given, f.Lifecycle == "STRONG", f.Lifecycle == "WEAK":
		return f, nil
	}
	return f, errNotFound()
}
