package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api/auth"
	"github.com/accord-registry/accord/store"
)

// associationRequest is Confluent's AssociationCreateOrUpdateRequest.
type associationRequest struct {
	ResourceName      string              `json:"resourceName"`
	ResourceNamespace string              `json:"resourceNamespace"`
	ResourceID        string              `json:"resourceId"`
	ResourceType      string              `json:"resourceType"`
	Associations      []associationChange `json:"associations"`
}

// associationChange is Confluent's AssociationCreateOrUpdateInfo.
type associationChange struct {
	Subject         *string        `json:"subject"`
	AssociationType string         `json:"associationType"`
	Lifecycle       *string        `json:"lifecycle"`
	Frozen          *bool          `json:"frozen"`
	Schema          *schemaRequest `json:"schema"`
	Normalize       *bool          `json:"normalize"`
}

// associationResponse is Confluent's AssociationResponse; empty properties are left out.
type associationResponse struct {
	ResourceName      string            `json:"resourceName,omitempty"`
	ResourceNamespace string            `json:"resourceNamespace,omitempty"`
	ResourceID        string            `json:"resourceId,omitempty"`
	ResourceType      string            `json:"resourceType,omitempty"`
	Associations      []associationInfo `json:"associations,omitempty"`
}

// associationInfo is Confluent's AssociationInfo. Its frozen property appears only when it
// differs from the lifecycle's default.
type associationInfo struct {
	Subject         string      `json:"subject,omitempty"`
	AssociationType string      `json:"associationType,omitempty"`
	Lifecycle       string      `json:"lifecycle,omitempty"`
	Frozen          *bool       `json:"frozen,omitempty"`
	Schema          *schemaJSON `json:"schema,omitempty"`
}

func (r associationRequest) toStore(context string) (store.AssociationRequest, error) {
	out := store.AssociationRequest{ResourceName: r.ResourceName, ResourceNamespace: r.ResourceNamespace,
		ResourceID: r.ResourceID, ResourceType: r.ResourceType, Context: context}
	for _, a := range r.Associations {
		ch, err := a.toStore()
		if err != nil {
			return out, err
		}
		out.Associations = append(out.Associations, ch)
	}
	return out, nil
}

func (a associationChange) toStore() (store.AssociationChange, error) {
	ch := store.AssociationChange{Subject: a.Subject, AssociationType: a.AssociationType, Frozen: a.Frozen,
		Normalize: a.Normalize != nil && *a.Normalize}
	if a.Lifecycle != nil {
		lifecycle, err := lifecyclePolicy(*a.Lifecycle)
		if err != nil {
			return ch, err
		}
		ch.Lifecycle = lifecycle
	}
	if a.Schema != nil {
		req := a.Schema.toStore()
		ch.Schema = &req
	}
	return ch, nil
}

// lifecyclePolicy refuses a value outside Confluent's LifecyclePolicy enum, which Jackson
// turns into a mapping error.
func lifecyclePolicy(v string) (string, error) {
	if v != store.LifecycleStrong && v != store.LifecycleWeak {
		return "", errBadRequest("Cannot deserialize value of type `LifecyclePolicy` from String \"" + v + "\"")
	}
	return v, nil
}

func newAssociationResponse(r store.AssociationResponse) associationResponse {
	out := associationResponse{ResourceName: r.ResourceName, ResourceNamespace: r.ResourceNamespace,
		ResourceID: r.ResourceID, ResourceType: r.ResourceType}
	for _, a := range r.Associations {
		info := associationInfo{Subject: a.Subject, AssociationType: a.AssociationType, Lifecycle: a.Lifecycle, Frozen: a.Frozen}
		if a.Schema != nil {
			sc := newSchemaResponse(*a.Schema)
			info.Schema = &sc
		}
		out.Associations = append(out.Associations, info)
	}
	return out
}

// createAssociation is POST /associations (AssociationsResource.createAssociation).
func (h *handlers) createAssociation(c echo.Context) error {
	var body associationRequest
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	return h.putAssociation(c, body, true)
}

// upsertAssociation is PUT /associations/resources/{resourceId}: the body's resourceId, when
// present, must be the path's.
func (h *handlers) upsertAssociation(c echo.Context) error {
	id, err := pathParam(c, "resourceId")
	if err != nil {
		return err
	}
	var body associationRequest
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	if body.ResourceID == "" {
		body.ResourceID = id
	} else if body.ResourceID != id {
		return &store.Error{Code: store.CodeInvalidAssociation, Message: "The association specified an invalid value for property: " +
			"'resourceId', detail: Resource ID in the path parameter does not match the resource ID in the request body"}
	}
	return h.putAssociation(c, body, false)
}

func (h *handlers) putAssociation(c echo.Context, body associationRequest, create bool) error {
	req, err := body.toStore(queryParam(c, "context"))
	if err != nil {
		return err
	}
	if err := h.mayWriteAssociations(c, req); err != nil {
		return err
	}
	ctx, dryRun := c.Request().Context(), boolQuery(c, "dryRun")
	var resp store.AssociationResponse
	if create {
		resp, err = h.store.CreateAssociation(ctx, req, dryRun)
	} else {
		resp, err = h.store.UpsertAssociation(ctx, req, dryRun)
	}
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, newAssociationResponse(resp))
}

// deleteAssociations is DELETE /associations/resources/{resourceId}; 204 on success.
func (h *handlers) deleteAssociations(c echo.Context) error {
	id, err := pathParam(c, "resourceId")
	if err != nil {
		return err
	}
	types := c.QueryParams()["associationType"]
	cascade := boolQuery(c, "cascadeLifecycle")
	resourceType := queryParam(c, "resourceType")
	if h.cfg.Policy != nil && h.cfg.Policy.Restricts() {
		// A cascade deletes subjects permanently, which needs Admin as DELETE ?permanent does.
		access := auth.Write
		if cascade {
			access = auth.Admin
		}
		if resourceType == "" {
			resourceType = defaultResourceType
		}
		list, err := h.store.AssociationsByResourceID(c.Request().Context(), id, store.AssociationFilter{ResourceType: resourceType, AssociationTypes: types})
		if err != nil {
			return err
		}
		for _, a := range list {
			if err := h.mayWrite(c, a.Subject, access); err != nil {
				return err
			}
		}
	}
	if err := h.store.DeleteAssociations(c.Request().Context(), id, resourceType, types, cascade, boolQuery(c, "dryRun")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// mayWriteAssociations checks Write on every subject the request names: its own (in the
// request's context), the subject an existing association of the type has, or the default
// subject of the topic.
func (h *handlers) mayWriteAssociations(c echo.Context, req store.AssociationRequest) error {
	if h.cfg.Policy == nil || !h.cfg.Policy.Restricts() {
		return nil
	}
	existing, err := h.store.AssociationsByResourceID(c.Request().Context(), req.ResourceID, store.AssociationFilter{})
	if err != nil {
		return err
	}
	for _, a := range req.Associations {
		typ := a.AssociationType
		if typ == "" {
			typ = store.AssocValue
		}
		subject := store.WrittenSubject(req.Context, req.ResourceNamespace, req.ResourceName, a.Subject, typ, existing)
		if err := h.mayWrite(c, subject, auth.Write); err != nil {
			return err
		}
	}
	return nil
}

func (h *handlers) mayWrite(c echo.Context, subject string, access auth.Access) error {
	if !h.cfg.Policy.SubjectAllowed(principal(c), subject, access) {
		return denied(access, "Subject: "+subject)
	}
	return nil
}
