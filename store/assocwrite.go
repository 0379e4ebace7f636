package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/accord-registry/accord/compat"
)

// CreateAssociation answers POST /associations (AbstractSchemaRegistry.createAssociation):
// it registers the schemas the request carries, then writes one ASSOC record per new
// association. A request equivalent to what is stored is answered without writing.
func (s *Store) CreateAssociation(ctx context.Context, req AssociationRequest, dryRun bool) (AssociationResponse, error) {
	return s.putAssociations(ctx, req, true, dryRun)
}

// UpsertAssociation answers PUT /associations/resources/{resourceId}
// (createOrUpdateAssociation): it adds WEAK associations to an existing topic or changes the
// lifecycle of unfrozen ones.
func (s *Store) UpsertAssociation(ctx context.Context, req AssociationRequest, dryRun bool) (AssociationResponse, error) {
	return s.putAssociations(ctx, req, false, dryRun)
}

func (s *Store) putAssociations(ctx context.Context, req AssociationRequest, create, dryRun bool) (AssociationResponse, error) {
	if err := req.validate(create, dryRun); err != nil {
		return AssociationResponse{}, err
	}
	// One association write at a time, as Confluent holds its per-context lock: the checks
	// read state that the registrations and the final write then change.
	s.amu.Lock()
	defer s.amu.Unlock()
	return s.putAssociationsLocked(ctx, req, create, dryRun)
}

// putAssociationsLocked is createOrUpdateAssociation for a validated request; s.amu is held.
func (s *Store) putAssociationsLocked(ctx context.Context, req AssociationRequest, create, dryRun bool) (AssociationResponse, error) {
	resp := AssociationResponse{ResourceName: req.ResourceName, ResourceNamespace: req.ResourceNamespace,
		ResourceID: req.ResourceID, ResourceType: req.ResourceType}
	var plan *assocPlan
	err := s.read(ctx, func(st *state) error {
		p := &assocPlan{st: st, guard: guardOf(ctx), req: &req, create: create, dryRun: dryRun, level: s}
		if err := p.check(); err != nil {
			return err
		}
		plan = p
		return nil
	})
	if err != nil {
		return resp, err
	}
	if err := s.checkAssociationSchemas(ctx, &req); err != nil || dryRun {
		return resp, err
	}
	schemas := map[string]*Schema{}
	for i, a := range req.Associations {
		if a.Schema == nil || plan.importing[i] {
			continue
		}
		sc, err := s.Register(ctx, *a.Subject, *a.Schema, a.Normalize)
		if err != nil {
			return resp, err
		}
		schemas[a.AssociationType] = &sc
	}
	values := plan.values()
	err = s.writeLocked(ctx, func(st *state) ([]Record, error) {
		recs := make([]Record, 0, len(values))
		for _, v := range values {
			// A concurrent delete may have emptied the subject since the checks.
			if st.latest(v.Subject) == nil && !st.effectiveMode(v.Subject).importing() {
				return nil, errNoActiveVersion(v.Subject)
			}
			recs = append(recs, associationRecord(v))
		}
		return recs, nil
	})
	for _, v := range values {
		resp.Associations = append(resp.Associations, outcome(v.entity(0), schemas))
	}
	return resp, err
}

// outcome is the AssociationInfo of a: its frozen flag only where it differs from the
// lifecycle's default, and the schema registered for its type, if any.
func outcome(a Association, schemas map[string]*Schema) AssociationOutcome {
	return AssociationOutcome{Subject: a.Subject, AssociationType: a.AssociationType, Lifecycle: a.Lifecycle,
		Frozen: a.Frozen, Schema: schemas[a.AssociationType]}
}

// checkAssociationSchemas tests every schema of the request against its subject's versions
// before any is registered, so a request either registers all its schemas or none.
func (s *Store) checkAssociationSchemas(ctx context.Context, req *AssociationRequest) error {
	for _, a := range req.Associations {
		if a.Schema == nil {
			continue
		}
		res, err := s.CheckCompatibility(ctx, *a.Subject, *a.Schema, CheckOptions{Normalize: a.Normalize})
		if err != nil {
			return err
		}
		if !res.Compatible {
			return Errorf(CodeIncompatibleSchema, "[%s]", strings.Join(res.Messages, ", "))
		}
	}
	return nil
}

// DeleteAssociations answers DELETE /associations/resources/{resourceId}: it tombstones the
// resource's associations of the given types (all when none), and with cascade also deletes,
// permanently, the subjects of the STRONG ones. Frozen associations go only with cascade.
func (s *Store) DeleteAssociations(ctx context.Context, resourceID, resourceType string, types []string, cascade, dryRun bool) error {
	if resourceType == "" {
		resourceType = topicResource
	}
	s.amu.Lock()
	defer s.amu.Unlock()
	return s.deleteAssociationsLocked(ctx, resourceID, resourceType, types, cascade, dryRun, true)
}

// deleteAssociationsLocked is AbstractSchemaRegistry.deleteAssociations; s.amu is held. Only
// the REST delete (mustExist) refuses a resource without associations of the types: a batch's
// DELETE op of an absent type does nothing.
func (s *Store) deleteAssociationsLocked(ctx context.Context, resourceID, resourceType string, types []string, cascade, dryRun, mustExist bool) error {
	var doomed []Association
	err := s.read(ctx, func(st *state) error {
		f := AssociationFilter{ResourceType: resourceType, AssociationTypes: types}
		doomed = st.matchingAssociations(f, func(a Association) bool { return a.ResourceID == resourceID })
		if len(doomed) == 0 && mustExist {
			return Errorf(CodeAssociationNotFound, "Association for '%s' not found.", resourceID)
		}
		for _, a := range doomed {
			if st.effectiveMode(a.Subject).readOnly() {
				return errReadOnly(a.Subject)
			}
			if !cascade && a.frozen() {
				return errAssociationFrozen(a.AssociationType, a.Subject)
			}
		}
		return nil
	})
	if err != nil || dryRun {
		return err
	}
	for _, a := range doomed {
		if err := s.deleteAssociation(ctx, a, cascade); err != nil {
			return err
		}
	}
	return nil
}

// deleteAssociation tombstones one association and, for a cascading delete of a STRONG one
// outside IMPORT mode, deletes its subject softly and then permanently, as Confluent does.
func (s *Store) deleteAssociation(ctx context.Context, a Association, cascade bool) error {
	importing := false
	err := s.writeLocked(ctx, func(st *state) ([]Record, error) {
		importing = st.effectiveMode(a.Subject).importing()
		return []Record{{Key: encodeAssocKey(a.key())}}, nil
	})
	if err != nil || importing || !cascade || a.Lifecycle != LifecycleStrong {
		return err
	}
	if _, err := s.DeleteSubject(ctx, a.Subject, false); err != nil {
		return err
	}
	_, err = s.DeleteSubject(ctx, a.Subject, true)
	return err
}

func (a Association) frozen() bool {
	if a.Frozen != nil {
		return *a.Frozen
	}
	return a.Lifecycle == LifecycleStrong
}

func (a Association) key() assocKey {
	return assocKey{Tenant: defaultTenant, ResourceName: a.ResourceName, ResourceNamespace: a.ResourceNamespace,
		ResourceType: a.ResourceType, AssociationType: a.AssociationType, Subject: a.Subject}
}

// encodeAssocKey writes an AssociationKey in Confluent's property order.
func encodeAssocKey(k assocKey) []byte {
	var b strings.Builder
	b.WriteString(`{"keytype":"ASSOC","tenant":` + compat.QuoteJSON(k.Tenant))
	b.WriteString(`,"resourceName":` + compat.QuoteJSON(k.ResourceName))
	b.WriteString(`,"resourceNamespace":` + compat.QuoteJSON(k.ResourceNamespace))
	b.WriteString(`,"resourceType":` + compat.QuoteJSON(k.ResourceType))
	b.WriteString(`,"associationType":` + compat.QuoteJSON(k.AssociationType))
	b.WriteString(`,"subject":` + compat.QuoteJSON(k.Subject))
	b.WriteString(`,"magic":0}`)
	return []byte(b.String())
}

func associationRecord(v assocValue) Record {
	k := assocKey{Tenant: v.Tenant, ResourceName: v.ResourceName, ResourceNamespace: v.ResourceNamespace,
		ResourceType: v.ResourceType, AssociationType: v.AssociationType, Subject: v.Subject}
	return Record{Key: encodeAssocKey(k), Value: encodeValue(v)}
}

// newGUID is a random (version 4) UUID, as Confluent's UUID.randomUUID.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func errNoActiveVersion(subject string) *Error {
	return Errorf(CodeNoActiveSubjectVersion, "No active (non-deleted) version exists for subject '%s'", subject)
}

func errAssociationFrozen(associationType, subject string) *Error {
	// Confluent's ASSOCIATION_FROZEN_MESSAGE_FORMAT has the two spaces.
	return Errorf(CodeAssociationFrozen, "The association of type  '%s' is frozen for subject '%s'", associationType, subject)
}

func errAssociationForSubject(subject string) *Error {
	return Errorf(CodeAssociationForSubjectExists, "An association already exists for subject '%s'", subject)
}
