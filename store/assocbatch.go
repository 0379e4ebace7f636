package store

import (
	"context"
	"errors"
)

// The operations of a batch mutation (Confluent's AssociationOp subtypes, by opType).
const (
	OpCreate = "CREATE"
	OpUpsert = "UPSERT"
	OpDelete = "DELETE"
)

// AssociationOpRequest is one request of POST /associations:batchMutate (Confluent's
// AssociationOpRequest): operations on the associations of one resource.
type AssociationOpRequest struct {
	ResourceName      string
	ResourceNamespace string
	ResourceID        string
	ResourceType      string
	Ops               []AssociationOp
	// Error, when set, is the request's answer and nothing of it is applied: Confluent echoes
	// an error property the request carries.
	Error *Error
}

// AssociationOp is one operation: Change for a CREATE or UPSERT, Change.AssociationType and
// Cascade (cascadeLifecycle) for a DELETE.
type AssociationOp struct {
	Type    string
	Change  AssociationChange
	Cascade bool
}

// AssociationResult is Confluent's AssociationResult: the answer to one request of a batch,
// or its error.
type AssociationResult struct {
	Error  *Error
	Result *AssociationResponse
}

// AssociationCheck, when a batch has one, is asked about every subject a request would write
// before the request is applied; admin says a cascading delete may delete the subject. An
// error refuses the request, as its result.
type AssociationCheck func(subject string, admin bool) error

// MutateAssociations answers POST /associations:batchMutate (mutateAssociations): each request
// is applied on its own, under the association lock, and answered with the resource's
// associations afterwards or with its error. A request that fails part way keeps what its
// earlier operations wrote, as in Confluent.
func (s *Store) MutateAssociations(ctx context.Context, contextParam string, reqs []AssociationOpRequest, dryRun bool, check AssociationCheck) []AssociationResult {
	out := make([]AssociationResult, 0, len(reqs))
	for i := range reqs {
		if reqs[i].Error != nil {
			out = append(out, AssociationResult{Error: reqs[i].Error})
			continue
		}
		resp, err := s.mutateOne(ctx, contextParam, &reqs[i], dryRun, check)
		if err != nil {
			out = append(out, AssociationResult{Error: batchError(err, "Error while creating association: ")})
			continue
		}
		out = append(out, AssociationResult{Result: &resp})
	}
	return out
}

func (s *Store) mutateOne(ctx context.Context, contextParam string, r *AssociationOpRequest, dryRun bool, check AssociationCheck) (AssociationResponse, error) {
	s.amu.Lock()
	defer s.amu.Unlock()
	if check != nil {
		if err := s.checkOps(ctx, contextParam, r, check); err != nil {
			return AssociationResponse{}, err
		}
	}
	if err := r.validate(dryRun); err != nil {
		return AssociationResponse{}, err
	}
	schemas := map[string]*Schema{}
	for i := 0; i < len(r.Ops); {
		op := r.Ops[i]
		if op.Type == OpDelete {
			types := []string{op.Change.AssociationType}
			if err := s.deleteAssociationsLocked(ctx, r.ResourceID, r.ResourceType, types, op.Cascade, dryRun, false); err != nil {
				return AssociationResponse{}, err
			}
			i++
			continue
		}
		// A run of adjacent operations of one type is applied as one request, so that its
		// checks see all of the run's association types at once.
		end := i + 1
		for end < len(r.Ops) && r.Ops[end].Type == op.Type {
			end++
		}
		req := AssociationRequest{ResourceName: r.ResourceName, ResourceNamespace: r.ResourceNamespace,
			ResourceID: r.ResourceID, ResourceType: r.ResourceType, Context: contextParam}
		for _, o := range r.Ops[i:end] {
			req.Associations = append(req.Associations, o.Change)
		}
		resp, err := s.putAssociationsLocked(ctx, req, op.Type == OpCreate, dryRun)
		if err != nil {
			return AssociationResponse{}, err
		}
		for _, a := range resp.Associations {
			if a.Schema != nil {
				schemas[a.AssociationType] = a.Schema
			}
		}
		i = end
	}
	var list []Association
	if !dryRun {
		var err error
		if list, err = s.AssociationsByResourceID(ctx, r.ResourceID, AssociationFilter{ResourceType: r.ResourceType}); err != nil {
			return AssociationResponse{}, err
		}
	}
	return resourceResponse(r.ResourceName, r.ResourceNamespace, r.ResourceID, r.ResourceType, list, schemas)
}

// errMixedResources is the IllegalArgumentException of Association.toAssociationResponse.
var errMixedResources = errors.New("All associations must have the same resourceName, resourceNamespace, resourceId, and resourceType.")

// resourceResponse is Association.toAssociationResponse: the associations of one resource,
// each with the schema of its type from schemas. An association of another resource than
// the one named is an error.
func resourceResponse(name, namespace, id, typ string, list []Association, schemas map[string]*Schema) (AssociationResponse, error) {
	resp := AssociationResponse{ResourceName: name, ResourceNamespace: namespace, ResourceID: id, ResourceType: typ}
	for _, a := range list {
		if a.ResourceName != name || a.ResourceNamespace != namespace || a.ResourceID != id || a.ResourceType != typ {
			return AssociationResponse{}, errMixedResources
		}
		resp.Associations = append(resp.Associations, outcome(a, schemas))
	}
	return resp, nil
}

// batchError is the ErrorMessage of a failed batch request: the association errors keep
// their code and message, an invalid schema is reported as an invalid association, and any
// other failure is a 50001 whose message follows prefix.
func batchError(err error, prefix string) *Error {
	var e *Error
	if !errors.As(err, &e) {
		return Errorf(CodeStoreError, "%s%s", prefix, err.Error())
	}
	switch e.Code {
	case CodeInvalidAssociation, CodeAssociationForResourceExists, CodeAssociationForSubjectExists,
		CodeAssociationFrozen, CodeNoActiveSubjectVersion, CodeStrongAssociationExists, CodeReferenceExists,
		CodeSchemaTooLarge, CodeIncompatibleSchema, CodeForbidden:
		return &Error{Code: e.Code, Message: e.Message}
	case CodeInvalidSchema:
		return &Error{Code: CodeInvalidAssociation, Message: e.Message}
	}
	return Errorf(CodeStoreError, "%s%s", prefix, e.Message)
}

// validate is AssociationOpRequest.validate: the resource's properties, then each operation
// in order, an association type at most once in all of them, and a CREATE's default subject.
func (r *AssociationOpRequest) validate(dryRun bool) error {
	if err := validateResource(r.ResourceName, r.ResourceNamespace, r.ResourceID, &r.ResourceType, dryRun); err != nil {
		return err
	}
	if len(r.Ops) == 0 {
		return invalidAssociation("associations", "cannot be null or empty")
	}
	seen := map[string]bool{}
	for i := range r.Ops {
		op := &r.Ops[i]
		if err := op.validate(); err != nil {
			return err
		}
		a := &op.Change
		if seen[a.AssociationType] {
			return invalidAssociation("associationType", "may only appear once per request, but '"+a.AssociationType+"' appears more than once")
		}
		seen[a.AssociationType] = true
		if op.Type != OpCreate {
			continue
		}
		if err := a.defaultSubject(r.ResourceNamespace, r.ResourceName); err != nil {
			return err
		}
	}
	return nil
}

// validate is the validate of Confluent's AssociationCreateOp, AssociationUpsertOp and
// AssociationDeleteOp. An UPSERT leaves the lifecycle unset, for the stored one to apply.
func (op *AssociationOp) validate() error {
	a := &op.Change
	switch op.Type {
	case OpDelete:
		return a.validateType()
	case OpCreate:
		if err := a.applyDefaults(true); err != nil {
			return err
		}
	}
	if err := a.validate(false); err != nil {
		return err
	}
	if op.Type == OpCreate && a.Subject == nil && a.Lifecycle == LifecycleWeak {
		return invalidAssociation("subject", "must be provided for WEAK associations")
	}
	return nil
}

// checkOps asks check about the subjects r would write: the one each CREATE or UPSERT names
// (in the request's context), else the one its type has on the resource, else the default
// one; and for each DELETE the subjects of the resource's associations of its type.
func (s *Store) checkOps(ctx context.Context, contextParam string, r *AssociationOpRequest, check AssociationCheck) error {
	typ := r.ResourceType
	if typ == "" {
		typ = topicResource
	}
	existing, err := s.AssociationsByResourceID(ctx, r.ResourceID, AssociationFilter{ResourceType: typ})
	if err != nil {
		return err
	}
	for _, op := range r.Ops {
		assocType := op.Change.AssociationType
		if assocType == "" {
			assocType = AssocValue
		}
		if op.Type == OpDelete {
			for _, a := range existing {
				if a.AssociationType != assocType {
					continue
				}
				if err := check(a.Subject, op.Cascade); err != nil {
					return err
				}
			}
			continue
		}
		if err := check(WrittenSubject(contextParam, r.ResourceNamespace, r.ResourceName, op.Change.Subject, assocType, existing), false); err != nil {
			return err
		}
	}
	return nil
}

// WrittenSubject is the subject a create or update of one association type writes: the one
// it names, in the request's context, else the one the type already has on the resource
// (among existing), else the topic's default subject.
func WrittenSubject(contextParam, namespace, name string, subject *string, assocType string, existing []Association) string {
	if subject != nil {
		return InContext(contextParam, *subject)
	}
	for _, e := range existing {
		if e.AssociationType == assocType {
			return e.Subject
		}
	}
	return ":." + namespace + ":" + name + "-" + assocType
}
