package store

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// assocPlan carries the registry-side checks of createOrUpdateAssociation
// (AbstractSchemaRegistry) against one state: which associations exist, which of the
// request's are already in place, which subjects are importing.
type assocPlan struct {
	st        *state
	guard     Guard // the request's: an alias may lead to a subject the API did not check
	level     *Store
	req       *AssociationRequest
	create    bool
	dryRun    bool
	old       map[string]Association // the resource's stored associations, by type
	skip      map[string]bool        // types already stored exactly as requested
	importing []bool                 // per change: its subject is in IMPORT mode
}

func (p *assocPlan) check() error {
	if err := p.resolveSubjects(); err != nil {
		return err
	}
	p.findExisting()
	p.skip = map[string]bool{}
	for i := range p.req.Associations {
		if err := p.checkChange(&p.req.Associations[i]); err != nil {
			return err
		}
	}
	if err := p.checkUniformLifecycle(); err != nil {
		return err
	}
	p.importing = make([]bool, len(p.req.Associations))
	for i := range p.req.Associations {
		if err := p.checkSubject(i); err != nil {
			return err
		}
	}
	return nil
}

// resolveSubjects follows aliases, refuses read-only subjects and repeated types.
func (p *assocPlan) resolveSubjects() error {
	seen := map[string]bool{}
	for i := range p.req.Associations {
		a := &p.req.Associations[i]
		if a.Subject != nil {
			subject := parseSubject(p.st.aliasTarget(InContext(p.req.Context, *a.Subject))).String()
			if err := p.guard.Allow(subject); err != nil {
				return err
			}
			if p.st.effectiveMode(subject).readOnly() {
				return errReadOnly(subject)
			}
			a.Subject = &subject
		}
		if seen[a.AssociationType] {
			return invalidAssociation("associationType", fmt.Sprintf("may only appear once per request, but '%s' appears more than once", a.AssociationType))
		}
		seen[a.AssociationType] = true
	}
	return nil
}

// findExisting reads the resource's stored associations: by id, or, for a dry-run create
// that has no id yet, by name and namespace, narrowed to the most recently updated resource.
func (p *assocPlan) findExisting() {
	r := p.req
	f := AssociationFilter{ResourceType: r.ResourceType}
	var found []Association
	if r.ResourceID == "" && p.create && p.dryRun {
		found = mostRecentResource(p.st.matchingAssociations(f, func(a Association) bool {
			return a.ResourceName == r.ResourceName && a.ResourceNamespace == r.ResourceNamespace
		}))
	} else {
		found = p.st.matchingAssociations(f, func(a Association) bool { return a.ResourceID == r.ResourceID })
	}
	p.old = map[string]Association{}
	for _, a := range found {
		p.old[a.AssociationType] = a
	}
}

func mostRecentResource(list []Association) []Association {
	if len(list) == 0 {
		return list
	}
	best := slices.MaxFunc(list, func(a, b Association) int {
		switch {
		case a.UpdateTS != b.UpdateTS:
			return cmpInt64(a.UpdateTS, b.UpdateTS)
		case a.CreateTS != b.CreateTS:
			return cmpInt64(a.CreateTS, b.CreateTS)
		}
		return strings.Compare(a.ResourceID, b.ResourceID)
	})
	return slices.DeleteFunc(list, func(a Association) bool { return a.ResourceID != best.ResourceID })
}

func cmpInt64(a, b int64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// checkChange is the first pass of createOrUpdateAssociation over one change.
func (p *assocPlan) checkChange(a *AssociationChange) error {
	old, exists := p.old[a.AssociationType]
	if !exists && !p.create {
		if err := a.applyDefaults(false); err != nil {
			return err
		}
	}
	def := p.req.defaultSubject(a.AssociationType)
	if a.Subject == nil {
		switch {
		case exists:
			a.Subject = &old.Subject
		case a.Lifecycle == LifecycleStrong:
			a.Subject = &def
		default:
			return invalidAssociation("subject", "must be provided for WEAK associations")
		}
	}
	subject := parseSubject(*a.Subject).String()
	lifecycle := a.Lifecycle
	if lifecycle == "" && exists {
		lifecycle = old.Lifecycle
	}
	if lifecycle == "" {
		return invalidAssociation("lifecycle", "lifecycle must be set")
	}
	if lifecycle == LifecycleWeak {
		if a.Schema != nil {
			return invalidAssociation("lifecycle", "cannot be WEAK when schema is provided")
		}
		if *a.Subject == def {
			return invalidAssociation("subject", "WEAK associations cannot use subject '"+def+"'")
		}
	}
	frozen := isTrue(a.Frozen)
	if exists {
		frozen = old.frozen()
	}
	requested := frozen
	if a.Frozen != nil {
		requested = *a.Frozen
	}
	if requested != (lifecycle == LifecycleStrong) {
		return invalidAssociation("frozen", fmt.Sprintf("association with lifecycle of %s cannot be frozen=%t", lifecycle, requested))
	}
	if frozen && *a.Subject != def {
		return invalidAssociation("subject", "frozen associations must use subject '"+def+"'")
	}
	if !exists {
		return p.checkNew(a, subject, lifecycle)
	}
	return p.checkExisting(a, old, def)
}

// checkNew: a STRONG association comes only with its topic (a create), and a frozen one only
// with the subject's first and only schema.
func (p *assocPlan) checkNew(a *AssociationChange, subject, lifecycle string) error {
	importing := p.st.effectiveMode(subject).importing()
	if !p.create && lifecycle == LifecycleStrong && !importing {
		return invalidAssociation("lifecycle", "cannot be STRONG when creating an association; STRONG associations must be created with the topic")
	}
	if !isTrue(a.Frozen) || importing {
		return nil
	}
	if p.create && a.Schema == nil {
		return invalidAssociation("schema", "schema must be provided when creating a frozen association")
	}
	latest := p.st.latest(subject)
	if latest != nil && (a.Schema == nil || latest.num != 1 || !p.holds(subject, a)) {
		return invalidAssociation("frozen", "cannot create a frozen association when schemas already exist in the subject")
	}
	return nil
}

// checkExisting compares a change with the stored association of its type.
func (p *assocPlan) checkExisting(a *AssociationChange, old Association, def string) error {
	if old.equivalent(a) {
		if p.create && a.Schema != nil && !p.holds(parseSubject(*a.Subject).String(), a) {
			return errAssociationForResource(old)
		}
		p.skip[a.AssociationType] = true
		return nil
	}
	switch {
	case p.create:
		return errAssociationForResource(old)
	case a.Lifecycle == "" && a.Schema == nil:
		return invalidAssociation("lifecycle", "at least lifecycle or schema must be provided for update")
	case old.Subject != *a.Subject:
		return invalidAssociation("subject", "subject of association cannot be changed from '"+old.Subject+"' to '"+*a.Subject+"'")
	case old.Lifecycle == LifecycleStrong && a.Lifecycle == LifecycleWeak && old.Subject == def:
		return invalidAssociation("lifecycle", "cannot change to WEAK when subject matches default format '"+def+"'")
	case a.Frozen != nil && *a.Frozen != old.frozen():
		return invalidAssociation("frozen", "frozen attribute of association cannot be changed")
	case old.frozen():
		return errAssociationFrozen(old.AssociationType, old.Subject)
	}
	return nil
}

// equivalent is Association.isEquivalent: same subject and type, and the lifecycle and
// frozen flag the change names, if any.
func (a Association) equivalent(c *AssociationChange) bool {
	return c.Subject != nil && a.Subject == *c.Subject && a.AssociationType == c.AssociationType &&
		(c.Lifecycle == "" || c.Lifecycle == a.Lifecycle) && (c.Frozen == nil || *c.Frozen == a.frozen())
}

// holds reports whether subject has a live version with the change's schema.
func (p *assocPlan) holds(subject string, a *AssociationChange) bool {
	conf := p.st.effectiveConfig(subject, p.level.cfg.DefaultLevel)
	cand, err := p.st.candidate(subject, *a.Schema, a.Normalize || isTrue(conf.Normalize), false)
	return err == nil && p.st.match(subject, cand, isLive) != nil
}

// checkUniformLifecycle: all of a resource's associations end with one lifecycle.
func (p *assocPlan) checkUniformLifecycle() error {
	byType := map[string]string{}
	for t, a := range p.old {
		byType[t] = a.Lifecycle
	}
	for _, a := range p.req.Associations {
		if a.Lifecycle != "" {
			byType[a.AssociationType] = a.Lifecycle
		}
	}
	if len(slices.Compact(slices.Sorted(maps.Values(byType)))) <= 1 {
		return nil
	}
	var parts []string
	for _, t := range slices.Sorted(maps.Keys(byType)) {
		parts = append(parts, t+"="+byType[t])
	}
	return invalidAssociation("lifecycle", "all associations for a resource must have the same lifecycle, but got "+strings.Join(parts, ", "))
}

// checkSubject is the second pass: the subject must have a version (or get one from the
// request), and a STRONG association must be its subject's only one and unreferenced.
func (p *assocPlan) checkSubject(i int) error {
	a := &p.req.Associations[i]
	subject := parseSubject(*a.Subject).String()
	p.importing[i] = p.st.effectiveMode(subject).importing()
	if a.Schema != nil && p.importing[i] {
		return invalidAssociation("schema", "cannot be provided while subject '"+*a.Subject+"' is in IMPORT mode")
	}
	if a.Schema == nil && p.st.latest(subject) == nil {
		return errNoActiveVersion(*a.Subject)
	}
	old, exists := p.old[a.AssociationType]
	others := p.st.matchingAssociations(AssociationFilter{}, func(o Association) bool {
		return o.Subject == subject && !(exists && o.ResourceID == old.ResourceID && o.ResourceType == old.ResourceType &&
			o.AssociationType == old.AssociationType)
	})
	lifecycle := a.Lifecycle
	if lifecycle == "" {
		lifecycle = old.Lifecycle
	}
	if lifecycle == LifecycleStrong {
		if len(others) > 0 {
			return errAssociationForSubject(*a.Subject)
		}
		if p.subjectReferenced(subject) {
			return Errorf(CodeReferenceExists, "One or more references exist to the schema {%s}.", *a.Subject)
		}
		return nil
	}
	if isTrue(a.Frozen) {
		return invalidAssociation("frozen", "association with lifecycle of WEAK cannot be frozen")
	}
	for _, o := range others {
		if o.Lifecycle == LifecycleStrong {
			return Errorf(CodeStrongAssociationExists, "A strong association already exists for subject '%s'", *a.Subject)
		}
	}
	return nil
}

// subjectReferenced: some schema references a version of subject, or a schema of this
// request names it as a reference.
func (p *assocPlan) subjectReferenced(subject string) bool {
	for _, num := range p.st.versionNumbers(subject, isAny) {
		if p.st.referencedByAny(subject, num) {
			return true
		}
	}
	for _, other := range p.req.Associations {
		if other.Schema == nil {
			continue
		}
		ctx := parseSubject(*other.Subject).ctx
		for _, ref := range other.Schema.References {
			if parseSubject(qualifyRef(ref.Subject, ctx)).String() == subject {
				return true
			}
		}
	}
	return false
}

// values are the ASSOC values to write (AssociationValue.fromAssociationCreateOrUpdateRequest):
// a new association gets a fresh GUID, an updated one keeps its identity.
func (p *assocPlan) values() []assocValue {
	r := p.req
	var out []assocValue
	for _, a := range r.Associations {
		if p.skip[a.AssociationType] {
			continue
		}
		old, exists := p.old[a.AssociationType]
		if !exists {
			out = append(out, assocValue{GUID: newGUID(), Tenant: defaultTenant, ResourceName: r.ResourceName,
				ResourceNamespace: r.ResourceNamespace, ResourceID: r.ResourceID, ResourceType: r.ResourceType,
				AssociationType: a.AssociationType, Subject: parseSubject(*a.Subject).String(),
				Lifecycle: strongOrWeak(a.Lifecycle), Frozen: isTrue(a.Frozen)})
			continue
		}
		v := assocValue{GUID: old.GUID, Tenant: defaultTenant, ResourceName: old.ResourceName,
			ResourceNamespace: old.ResourceNamespace, ResourceID: old.ResourceID, ResourceType: old.ResourceType,
			AssociationType: a.AssociationType, Subject: old.Subject, Lifecycle: old.Lifecycle, Frozen: old.frozen()}
		if a.Lifecycle != "" {
			v.Lifecycle = strongOrWeak(a.Lifecycle)
		}
		if a.Frozen != nil {
			v.Frozen = *a.Frozen
		}
		out = append(out, v)
	}
	return out
}

func strongOrWeak(lifecycle string) string {
	if lifecycle == LifecycleStrong {
		return LifecycleStrong
	}
	return LifecycleWeak
}

func errAssociationForResource(a Association) *Error {
	return Errorf(CodeAssociationForResourceExists, "An association of type '%s' already exists for resource '%s'", a.AssociationType, a.ResourceName)
}
