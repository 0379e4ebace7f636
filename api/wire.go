package api

import (
	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
)

// schemaRequest is the body of register, lookup and compatibility calls. Unknown properties
// are ignored, as Confluent's Jackson configuration does.
type schemaRequest struct {
	Schema     *string            `json:"schema"`
	SchemaType *string            `json:"schemaType"`
	References []referenceRequest `json:"references"`
	Metadata   *store.Metadata    `json:"metadata"`
	RuleSet    *store.RuleSet     `json:"ruleSet"`
	Version    *wireInt           `json:"version"`
	ID         *wireInt           `json:"id"`
}

// referenceRequest is a reference in a request body.
type referenceRequest struct {
	Name    string  `json:"name"`
	Subject string  `json:"subject"`
	Version wireInt `json:"version"`
}

// toStore converts the wire request, applying Confluent's defaults (AVRO, version 0, id -1).
func (r *schemaRequest) toStore() store.SchemaRequest {
	r.Metadata.DropNullTags()
	out := store.SchemaRequest{Type: compat.TypeAvro, Metadata: r.Metadata, RuleSet: r.RuleSet, ID: -1}
	if r.References != nil {
		out.References = make([]store.Reference, len(r.References))
		for i, ref := range r.References {
			out.References[i] = store.Reference{Name: ref.Name, Subject: ref.Subject, Version: int(ref.Version)}
		}
	}
	if r.Schema != nil {
		out.Schema = *r.Schema
	}
	if r.SchemaType != nil && *r.SchemaType != "" {
		out.Type = compat.SchemaType(*r.SchemaType)
	}
	if r.Version != nil {
		out.Version = int(*r.Version)
	}
	if r.ID != nil {
		out.ID = int(*r.ID)
	}
	return out
}

// schemaJSON is the JSON of Confluent's schema entities: Schema (version GETs, lookups,
// /schemas), SchemaString (by id or GUID) and RegisterSchemaResponse. They differ only in which
// fields are set, so one type with a constructor per entity serves all three.
type schemaJSON struct {
	Subject    string            `json:"subject,omitempty"`
	Version    int               `json:"version,omitempty"`
	ID         *int              `json:"id,omitempty"`
	GUID       string            `json:"guid,omitempty"`
	SchemaType compat.SchemaType `json:"schemaType,omitempty"`
	References []store.Reference `json:"references,omitempty"`
	Metadata   *store.Metadata   `json:"metadata,omitempty"`
	RuleSet    *store.RuleSet    `json:"ruleSet,omitempty"`
	Schema     string            `json:"schema"`
	MaxID      int               `json:"maxId,omitempty"`
	TS         int64             `json:"ts,omitempty"`
	Deleted    *bool             `json:"deleted,omitempty"`
	Aliases    []string          `json:"aliases,omitempty"`
	// Associations is ExtendedSchema's, set only by GET /schemas with an association filter.
	Associations []store.Association `json:"associations,omitempty"`
}

// newRegisterResponse is the 8.x RegisterSchemaResponse: no subject, ts or deleted.
func newRegisterResponse(s store.Schema) schemaJSON {
	return schemaJSON{ID: &s.ID, Version: s.Version, GUID: s.GUID, SchemaType: s.Type, References: s.References,
		Metadata: s.Metadata, RuleSet: s.RuleSet, Schema: s.Text}
}

// newSchemaResponse is the Schema entity: a registered subject-version.
func newSchemaResponse(s store.Schema) schemaJSON {
	out := newRegisterResponse(s)
	out.Subject, out.TS, out.Deleted, out.Aliases, out.Associations = s.Subject, s.Timestamp, &s.Deleted, s.Aliases, s.Associations
	return out
}

// newSchemaString is the SchemaString entity: the schema behind an id or GUID, without id.
func newSchemaString(s store.Schema) schemaJSON {
	return schemaJSON{GUID: s.GUID, SchemaType: s.Type, References: s.References, Metadata: s.Metadata,
		RuleSet: s.RuleSet, Schema: s.Text, MaxID: s.MaxID, TS: s.Timestamp, Deleted: &s.Deleted}
}

// configUpdate is Confluent's ConfigUpdateRequest (PUT config body and response): the fields of
// the Config entity, but with the level named "compatibility". The level is a string so that an
// unknown level is 42203 rather than a JSON error.
type configUpdate struct {
	Compatibility *string `json:"compatibility,omitempty"`
	store.ConfigOptions
}

// newConfigResponse is Confluent's Config entity (GET and DELETE config): the stored record
// without its subject.
func newConfigResponse(c store.ConfigRecord) store.ConfigRecord {
	c.Subject = nil
	return c
}

// toStore converts the update, validating the level.
func (u configUpdate) toStore() (store.ConfigRecord, error) {
	u.DefaultMetadata.DropNullTags()
	u.OverrideMetadata.DropNullTags()
	out := store.ConfigRecord{ConfigOptions: u.ConfigOptions}
	if u.Compatibility != nil {
		level, ok := compat.ParseLevel(*u.Compatibility)
		if !ok {
			return store.ConfigRecord{}, store.InvalidCompatibility()
		}
		out.CompatibilityLevel = &level
	}
	return out, nil
}

func newConfigUpdate(c store.ConfigRecord) configUpdate {
	u := configUpdate{ConfigOptions: c.ConfigOptions}
	if c.CompatibilityLevel != nil {
		level := c.CompatibilityLevel.String()
		u.Compatibility = &level
	}
	return u
}

// compatibilityResponse is Confluent's CompatibilityCheckResponse; messages only when verbose.
type compatibilityResponse struct {
	IsCompatible bool     `json:"is_compatible"`
	Messages     []string `json:"messages,omitempty"`
}

// verboseCompatibilityResponse always carries messages, even an empty list.
type verboseCompatibilityResponse struct {
	IsCompatible bool     `json:"is_compatible"`
	Messages     []string `json:"messages"`
}

type modeBody struct {
	Mode string `json:"mode"`
}
