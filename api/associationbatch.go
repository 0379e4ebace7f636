package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api/auth"
	"github.com/accord-registry/accord/store"
)

// statusMultiStatus is what Confluent answers both batch endpoints with, whatever the
// outcome of each request in them.
const statusMultiStatus = http.StatusMultiStatus

// associationGetRequest is Confluent's AssociationGetRequest.
type associationGetRequest struct {
	ResourceName      *string  `json:"resourceName"`
	ResourceNamespace *string  `json:"resourceNamespace"`
	ResourceID        *string  `json:"resourceId"`
	ResourceType      string   `json:"resourceType"`
	AssociationTypes  []string `json:"associationTypes"`
	Lifecycle         *string  `json:"lifecycle"`
}

// associationOpRequest is Confluent's AssociationOpRequest: its error property, when a
// client sends one, is echoed as the request's result.
type associationOpRequest struct {
	ResourceName      string          `json:"resourceName"`
	ResourceNamespace string          `json:"resourceNamespace"`
	ResourceID        string          `json:"resourceId"`
	ResourceType      string          `json:"resourceType"`
	Associations      []associationOp `json:"associations"`
	Error             *batchErrorJSON `json:"error"`
}

// associationOp is Confluent's AssociationOp, its subtype chosen by opType: CREATE and UPSERT
// carry an association, DELETE an association type and cascadeLifecycle.
type associationOp struct {
	OpType *string `json:"opType"`
	associationChange
	CascadeLifecycle *bool `json:"cascadeLifecycle"`
}

// associationResult is Confluent's AssociationResult; batchErrorJSON its ErrorMessage, whose
// empty message is left out.
type associationResult struct {
	Error  *batchErrorJSON      `json:"error,omitempty"`
	Result *associationResponse `json:"result,omitempty"`
}

type batchErrorJSON struct {
	ErrorCode wireInt `json:"error_code"`
	Message   string  `json:"message,omitempty"`
}

// associationBatchResponse is Confluent's AssociationBatchResponse.
type associationBatchResponse struct {
	Results []associationResult `json:"results,omitempty"`
}

// errNoRequests is the resource's answer to a batch without requests.
func errNoRequests() error {
	return &store.Error{Code: store.CodeInvalidAssociation,
		Message: "The association specified an invalid value for property: 'requests', detail: cannot be null or empty"}
}

// batchGetAssociations is POST /associations:batchGet (AssociationsResource.batchGetAssociations).
// Each query lists only the associations whose subject the caller may read.
func (h *handlers) batchGetAssociations(c echo.Context) error {
	var body struct {
		Requests []associationGetRequest `json:"requests"`
	}
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	if len(body.Requests) == 0 {
		return errNoRequests()
	}
	queries := make([]store.AssociationQuery, 0, len(body.Requests))
	for _, r := range body.Requests {
		q := store.AssociationQuery{ResourceName: r.ResourceName, ResourceNamespace: r.ResourceNamespace,
			ResourceID: r.ResourceID, ResourceType: r.ResourceType, AssociationTypes: r.AssociationTypes}
		if r.Lifecycle != nil {
			lifecycle, err := lifecyclePolicy(*r.Lifecycle)
			if err != nil {
				return err
			}
			q.Lifecycle = lifecycle
		}
		queries = append(queries, q)
	}
	keep := func(subject string) bool { return h.readable(c, subject) }
	results, err := h.store.BatchGetAssociations(c.Request().Context(), queries, boolQuery(c, "includeSchemas"), keep)
	if err != nil {
		return err
	}
	return writeJSON(c, statusMultiStatus, newBatchResponse(results))
}

// mutateAssociations is POST /associations:batchMutate (AssociationsResource.mutateAssociations).
// A request that would write a subject the caller may not write (Admin for a cascading
// delete, as DELETE /associations/resources/{id}) is answered with its 40301 and not applied.
func (h *handlers) mutateAssociations(c echo.Context) error {
	var body struct {
		Requests []associationOpRequest `json:"requests"`
	}
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	if len(body.Requests) == 0 {
		return errNoRequests()
	}
	reqs := make([]store.AssociationOpRequest, 0, len(body.Requests))
	for _, r := range body.Requests {
		req, err := r.toStore()
		if err != nil {
			return err
		}
		reqs = append(reqs, req)
	}
	var check store.AssociationCheck
	if h.cfg.Policy != nil && h.cfg.Policy.Restricts() {
		check = func(subject string, admin bool) error {
			access := auth.Write
			if admin {
				access = auth.Admin
			}
			return h.mayWrite(c, subject, access)
		}
	}
	results := h.store.MutateAssociations(c.Request().Context(), queryParam(c, "context"), reqs, boolQuery(c, "dryRun"), check)
	return writeJSON(c, statusMultiStatus, newBatchResponse(results))
}

func (r associationOpRequest) toStore() (store.AssociationOpRequest, error) {
	out := store.AssociationOpRequest{ResourceName: r.ResourceName, ResourceNamespace: r.ResourceNamespace,
		ResourceID: r.ResourceID, ResourceType: r.ResourceType}
	if r.Error != nil {
		out.Error = &store.Error{Code: store.Code(r.Error.ErrorCode), Message: r.Error.Message}
	}
	for _, a := range r.Associations {
		op, err := a.toStore()
		if err != nil {
			return out, err
		}
		out.Ops = append(out.Ops, op)
	}
	return out, nil
}

// toStore resolves the op's subtype as Jackson does from opType, which must be present and
// one of the three names. A DELETE reads only its association type and cascadeLifecycle.
func (a associationOp) toStore() (store.AssociationOp, error) {
	const base = "[simple type, class io.confluent.kafka.schemaregistry.client.rest.entities.requests.AssociationOp]"
	if a.OpType == nil {
		return store.AssociationOp{}, errBadRequest("Could not resolve subtype of " + base + ": missing type id property 'opType'")
	}
	switch *a.OpType {
	case store.OpDelete:
		return store.AssociationOp{Type: store.OpDelete, Change: store.AssociationChange{AssociationType: a.AssociationType},
			Cascade: a.CascadeLifecycle != nil && *a.CascadeLifecycle}, nil
	case store.OpCreate, store.OpUpsert:
		ch, err := a.associationChange.toStore()
		return store.AssociationOp{Type: *a.OpType, Change: ch}, err
	}
	return store.AssociationOp{}, errBadRequest("Could not resolve type id '" + *a.OpType + "' as a subtype of " + base +
		": known type ids = [CREATE, DELETE, UPSERT]")
}

func newBatchResponse(results []store.AssociationResult) associationBatchResponse {
	out := associationBatchResponse{Results: make([]associationResult, 0, len(results))}
	for _, r := range results {
		var res associationResult
		if r.Error != nil {
			res.Error = &batchErrorJSON{ErrorCode: wireInt(r.Error.Code), Message: r.Error.Message}
		}
		if r.Result != nil {
			resp := newAssociationResponse(*r.Result)
			res.Result = &resp
		}
		out.Results = append(out.Results, res)
	}
	return out
}
