package store

import "slices"

// LifecycleNone, among the lifecycles of [SchemaAssociations], asks for the schemas whose subject
// has no matching association (Confluent's LifecyclePolicyFilter.NONE).
const LifecycleNone = "NONE"

// SchemaAssociations is the association filter of GET /schemas (Confluent's
// SchemasResource.getSchemas). When given, a schema is listed only if its subject's
// associations match it, and carries those associations.
type SchemaAssociations struct {
	// ResourceType nil matches every resource type. Unlike the /associations routes, an empty
	// one is not defaulted to topic: it matches none.
	ResourceType *string
	// AssociationTypes empty matches every association type.
	AssociationTypes []string
	// Lifecycles holds LifecycleStrong, LifecycleWeak and LifecycleNone. Empty lists every
	// subject with a matching association; STRONG or WEAK keep only associations of those
	// lifecycles; NONE adds the subjects without a matching association, listed bare.
	Lifecycles []string
}

// bySubject groups the associations that match the resource and association types by
// subject, each group in Confluent's order (Association.compareTo).
func (f *SchemaAssociations) bySubject(st *state) map[string][]Association {
	all := st.matchingAssociations(AssociationFilter{AssociationTypes: f.AssociationTypes}, func(a Association) bool {
		return f.ResourceType == nil || a.ResourceType == *f.ResourceType
	})
	out := map[string][]Association{}
	for _, a := range all {
		out[a.Subject] = append(out[a.Subject], a)
	}
	return out
}

// attach decides from a subject's matching associations whether its schemas are listed, and
// with which associations: those of the requested lifecycles, all of them when none was asked
// for, and nothing for a subject listed by NONE.
func (f *SchemaAssociations) attach(matching []Association) ([]Association, bool) {
	if len(matching) == 0 {
		return nil, slices.Contains(f.Lifecycles, LifecycleNone)
	}
	if len(f.Lifecycles) == 0 {
		return matching, true
	}
	kept := slices.DeleteFunc(slices.Clone(matching), func(a Association) bool {
		return !slices.Contains(f.Lifecycles, a.Lifecycle)
	})
	return kept, len(kept) > 0
}
