package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// Association is Confluent's Association entity (8.2+): a subject bound to a resource (a
// topic) as its key or value schema. Accord serves the associations that ASSOC records of the
// log describe, whether a Confluent registry sharing the topic or Accord wrote them.
type Association struct {
	Subject           string `json:"subject,omitempty"`
	GUID              string `json:"guid,omitempty"`
	ResourceName      string `json:"resourceName,omitempty"`
	ResourceNamespace string `json:"resourceNamespace,omitempty"`
	ResourceID        string `json:"resourceId,omitempty"`
	ResourceType      string `json:"resourceType,omitempty"`
	AssociationType   string `json:"associationType,omitempty"`
	Lifecycle         string `json:"lifecycle,omitempty"`
	// Frozen is set only when it differs from the lifecycle's default (STRONG is frozen), as
	// Confluent's Association.getFrozen reports it.
	Frozen   *bool `json:"frozen,omitempty"`
	CreateTS int64 `json:"createTs,omitempty"`
	UpdateTS int64 `json:"updateTs,omitempty"`
}

// AssociationFilter narrows an association query as Confluent's query parameters do; empty
// fields match everything.
type AssociationFilter struct {
	ResourceType     string
	AssociationTypes []string
	Lifecycle        string
}

// ResourceWildcard as a resource name or namespace matches every name or namespace.
const ResourceWildcard = "-"

// assocKey is the identity of an ASSOC record: the fields of Confluent's AssociationKey.
type assocKey struct {
	Tenant            string `json:"tenant"`
	ResourceName      string `json:"resourceName"`
	ResourceNamespace string `json:"resourceNamespace"`
	ResourceType      string `json:"resourceType"`
	AssociationType   string `json:"associationType"`
	Subject           string `json:"subject"`
}

// assocValue is Confluent's AssociationValue.
type assocValue struct {
	GUID              string `json:"guid"`
	Tenant            string `json:"tenant"`
	ResourceName      string `json:"resourceName"`
	ResourceNamespace string `json:"resourceNamespace"`
	ResourceID        string `json:"resourceId"`
	ResourceType      string `json:"resourceType"`
	AssociationType   string `json:"associationType"`
	Subject           string `json:"subject"`
	Lifecycle         string `json:"lifecycle"`
	Frozen            bool   `json:"frozen"`
	CreateTS          int64  `json:"createTs,omitempty"` // set by the reader, never written
}

// applyAssociation folds an ASSOC record in: a value puts the association, a tombstone removes
// it. Only the default tenant's records are kept, as Accord has no tenants.
func (st *state) applyAssociation(rec Record) error {
	var k assocKey
	if err := json.Unmarshal(rec.Key, &k); err != nil {
		return fmt.Errorf("decode association key at offset %d: %w", rec.Offset, err)
	}
	if k.Tenant != defaultTenant {
		return nil
	}
	if rec.Value == nil {
		delete(st.associations, k)
		return nil
	}
	var v assocValue
	if err := json.Unmarshal(rec.Value, &v); err != nil {
		return fmt.Errorf("decode association value at offset %d: %w", rec.Offset, err)
	}
	if st.associations == nil {
		st.associations = map[assocKey]Association{}
	}
	// KafkaStoreMessageHandler.handleAssociationUpdate: the creation time is the first
	// record's, kept across updates.
	if old, ok := st.associations[k]; ok {
		v.CreateTS = old.CreateTS
	} else if v.CreateTS == 0 {
		v.CreateTS = rec.Timestamp.UnixMilli()
	}
	st.associations[k] = v.entity(rec.Timestamp.UnixMilli())
	return nil
}

const defaultTenant = "default"

// entity is AssociationValue.toAssociationEntity; the update time is the record's.
func (v assocValue) entity(ts int64) Association {
	a := Association{Subject: v.Subject, GUID: v.GUID, ResourceName: v.ResourceName, ResourceNamespace: v.ResourceNamespace,
		ResourceID: v.ResourceID, ResourceType: v.ResourceType, AssociationType: v.AssociationType,
		Lifecycle: "WEAK", CreateTS: v.CreateTS, UpdateTS: ts}
	if v.Lifecycle == "STRONG" {
		a.Lifecycle = "STRONG"
	}
	if v.Frozen != (a.Lifecycle == "STRONG") {
		frozen := v.Frozen
		a.Frozen = &frozen
	}
	return a
}

// AssociationsBySubject lists the associations of subject (Confluent's
// getAssociationsBySubject); none is an empty list, not an error.
func (s *Store) AssociationsBySubject(ctx context.Context, subject string, f AssociationFilter) ([]Association, error) {
	return s.associations(ctx, f, func(a Association) bool { return a.Subject == subject })
}

// AssociationsByResourceID lists the associations of the resource with that id.
func (s *Store) AssociationsByResourceID(ctx context.Context, id string, f AssociationFilter) ([]Association, error) {
	return s.associations(ctx, f, func(a Association) bool { return a.ResourceID == id })
}

// AssociationsByResource lists the associations of a resource by namespace and name; either
// may be [ResourceWildcard].
func (s *Store) AssociationsByResource(ctx context.Context, namespace, name string, f AssociationFilter) ([]Association, error) {
	return s.associations(ctx, f, func(a Association) bool {
		return (name == ResourceWildcard || a.ResourceName == name) &&
			(namespace == ResourceWildcard || a.ResourceNamespace == namespace)
	})
}

// associations returns the matching associations in Confluent's order (Association.compareTo):
// resource name, namespace, type, association type, subject.
func (s *Store) associations(ctx context.Context, f AssociationFilter, match func(Association) bool) ([]Association, error) {
	var out []Association
	err := s.read(ctx, func(st *state) error {
		out = st.matchingAssociations(f, match)
		return nil
	})
	return out, err
}

// matchingAssociations is the sorted list of the associations that f and match accept.
func (st *state) matchingAssociations(f AssociationFilter, match func(Association) bool) []Association {
	out := []Association{}
	for _, a := range st.associations {
		if match(a) && f.matches(a) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b Association) int {
		return cmp.Or(cmp.Compare(a.ResourceName, b.ResourceName), cmp.Compare(a.ResourceNamespace, b.ResourceNamespace),
			cmp.Compare(a.ResourceType, b.ResourceType), cmp.Compare(a.AssociationType, b.AssociationType),
			cmp.Compare(a.Subject, b.Subject))
	})
	return out
}

// hasAssociations reports whether any association names subject, as a key to Confluent's
// getAssociationsBySubject with no filter.
func (st *state) hasAssociations(subject string) bool {
	for _, a := range st.associations {
		if a.Subject == subject {
			return true
		}
	}
	return false
}

// hasStrongAssociation reports whether subject has a STRONG association.
func (st *state) hasStrongAssociation(subject string) bool {
	for _, a := range st.associations {
		if a.Subject == subject && a.Lifecycle == LifecycleStrong {
			return true
		}
	}
	return false
}

func (f AssociationFilter) matches(a Association) bool {
	return (f.ResourceType == "" || a.ResourceType == f.ResourceType) &&
		(len(f.AssociationTypes) == 0 || slices.Contains(f.AssociationTypes, a.AssociationType)) &&
		(f.Lifecycle == "" || a.Lifecycle == f.Lifecycle)
}
