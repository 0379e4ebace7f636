package store

import (
	"context"
	"errors"
)

// AssociationQuery is Confluent's AssociationGetRequest, one query of
// POST /associations:batchGet. A nil name, namespace or id was absent from the request: the
// answer takes it from the first association found.
type AssociationQuery struct {
	ResourceName      *string
	ResourceNamespace *string
	ResourceID        *string
	ResourceType      string
	AssociationTypes  []string
	Lifecycle         string
}

// BatchGetAssociations answers POST /associations:batchGet (batchGetAssociations): each
// query is answered with its resource's associations, each with the latest schema of its
// subject when includeSchemas, or with a 50001 error. keep leaves out the associations whose
// subject the caller may not read.
func (s *Store) BatchGetAssociations(ctx context.Context, queries []AssociationQuery, includeSchemas bool, keep func(subject string) bool) ([]AssociationResult, error) {
	var out []AssociationResult
	err := s.read(ctx, func(st *state) error {
		out = make([]AssociationResult, 0, len(queries))
		for _, q := range queries {
			resp, err := st.answerQuery(q, includeSchemas, keep)
			if err != nil {
				out = append(out, AssociationResult{Error: Errorf(CodeStoreError, "Error while getting associations: %s", err.Error())})
				continue
			}
			out = append(out, AssociationResult{Result: &resp})
		}
		return nil
	})
	return out, err
}

// answerQuery is one query of batchGetAssociations: by resource id when it has one, else by
// name in a namespace (which may be [ResourceWildcard]).
func (st *state) answerQuery(q AssociationQuery, includeSchemas bool, keep func(string) bool) (AssociationResponse, error) {
	id, name, namespace := deref(q.ResourceID), deref(q.ResourceName), deref(q.ResourceNamespace)
	// AssociationGetRequest.validate; the message is IllegalPropertyException's own.
	if id == "" && name == "" {
		return AssociationResponse{}, errors.New("property: resourceId; detail: either resourceId or resourceName must be specified")
	}
	if name != "" && namespace == "" {
		return AssociationResponse{}, errors.New("property: resourceNamespace; detail: resourceNamespace is required when resourceName is specified")
	}
	typ := q.ResourceType
	if typ == "" {
		typ = topicResource
	}
	f := AssociationFilter{ResourceType: typ, AssociationTypes: q.AssociationTypes, Lifecycle: q.Lifecycle}
	match := func(a Association) bool { return a.ResourceID == id }
	if id == "" {
		match = func(a Association) bool {
			return a.ResourceName == name && (namespace == ResourceWildcard || a.ResourceNamespace == namespace)
		}
	}
	var list []Association
	for _, a := range st.matchingAssociations(f, match) {
		if keep == nil || keep(a.Subject) {
			list = append(list, a)
		}
	}
	if len(list) > 0 {
		if q.ResourceName == nil {
			name = list[0].ResourceName
		}
		if q.ResourceNamespace == nil {
			namespace = list[0].ResourceNamespace
		}
		if q.ResourceID == nil {
			id = list[0].ResourceID
		}
	}
	schemas := map[string]*Schema{}
	for _, a := range list {
		if !includeSchemas {
			break
		}
		if v := st.latest(a.Subject); v != nil {
			sc := v.schema()
			schemas[a.AssociationType] = &sc
		}
	}
	return resourceResponse(name, namespace, id, typ, list, schemas)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
