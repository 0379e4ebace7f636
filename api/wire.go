package api

import (
	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
)

// schemaRequest is the body of register, lookup and compatibility calls. Unknown properties
// are ignored, as Confluent's Jackson configuration does.
type schemaRequest struct {
	Schema     *string           `json:"schema"`
	SchemaType *string           `json:"schemaType"`
	References []store.Reference `json:"references"`
	Metadata   *store.Metadata   `json:"metadata"`
	RuleSet    *store.RuleSet    `json:"ruleSet"`
	Version    *int              `json:"version"`
	ID         *int              `json:"id"`
}

// toStore converts the wire request, applying Confluent's defaults (AVRO, version 0, id -1).
func (r *schemaRequest) toStore() store.SchemaRequest {
	out := store.SchemaRequest{Type: compat.TypeAvro, References: r.References, Metadata: r.Metadata, RuleSet: r.RuleSet, ID: -1}
	if r.Schema != nil {
		out.Schema = *r.Schema
	}
	if r.SchemaType != nil && *r.SchemaType != "" {
		out.Type = compat.SchemaType(*r.SchemaType)
	}
	if r.Version != nil {
		out.Version = *r.Version
	}
	if r.ID != nil {
		out.ID = *r.ID
	}
	return out
}

// schemaResponse is Confluent's Schema entity (version GETs, lookups, /schemas lists).
type schemaResponse struct {
	Subject    string            `json:"subject,omitempty"`
	Version    int               `json:"version,omitempty"`
	ID         int               `json:"id,omitempty"`
	GUID       string            `json:"guid,omitempty"`
	SchemaType compat.SchemaType `json:"schemaType,omitempty"`
	References []store.Reference `json:"references,omitempty"`
	Metadata   *store.Metadata   `json:"metadata,omitempty"`
	RuleSet    *store.RuleSet    `json:"ruleSet,omitempty"`
	Schema     string            `json:"schema"`
	TS         int64             `json:"ts,omitempty"`
	Deleted    bool              `json:"deleted"`
}

func newSchemaResponse(s store.Schema) schemaResponse {
	return schemaResponse{Subject: s.Subject, Version: s.Version, ID: s.ID, GUID: s.GUID, SchemaType: s.Type,
		References: s.References, Metadata: s.Metadata, RuleSet: s.RuleSet, Schema: s.Text, TS: s.Timestamp, Deleted: s.Deleted}
}

// schemaStringResponse is Confluent's SchemaString entity (GET /schemas/ids/{id}, guids).
type schemaStringResponse struct {
	Subject    string            `json:"subject,omitempty"`
	Version    int               `json:"version,omitempty"`
	GUID       string            `json:"guid,omitempty"`
	SchemaType compat.SchemaType `json:"schemaType,omitempty"`
	Schema     string            `json:"schema"`
	References []store.Reference `json:"references,omitempty"`
	Metadata   *store.Metadata   `json:"metadata,omitempty"`
	RuleSet    *store.RuleSet    `json:"ruleSet,omitempty"`
	MaxID      int               `json:"maxId,omitempty"`
	TS         int64             `json:"ts,omitempty"`
	Deleted    bool              `json:"deleted"`
}

// registerResponse is the 8.x RegisterSchemaResponse: no subject, ts or deleted.
type registerResponse struct {
	ID         int               `json:"id"`
	Version    int               `json:"version,omitempty"`
	GUID       string            `json:"guid,omitempty"`
	SchemaType compat.SchemaType `json:"schemaType,omitempty"`
	References []store.Reference `json:"references,omitempty"`
	Metadata   *store.Metadata   `json:"metadata,omitempty"`
	RuleSet    *store.RuleSet    `json:"ruleSet,omitempty"`
	Schema     string            `json:"schema"`
}

// configResponse is Confluent's Config entity (GET and DELETE config).
type configResponse struct {
	CompatibilityLevel  *compat.Level   `json:"compatibilityLevel,omitempty"`
	Alias               *string         `json:"alias,omitempty"`
	Normalize           *bool           `json:"normalize,omitempty"`
	ValidateFields      *bool           `json:"validateFields,omitempty"`
	ValidateRules       *bool           `json:"validateRules,omitempty"`
	CompatibilityPolicy *string         `json:"compatibilityPolicy,omitempty"`
	CompatibilityGroup  *string         `json:"compatibilityGroup,omitempty"`
	DefaultMetadata     *store.Metadata `json:"defaultMetadata,omitempty"`
	OverrideMetadata    *store.Metadata `json:"overrideMetadata,omitempty"`
	DefaultRuleSet      *store.RuleSet  `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet     *store.RuleSet  `json:"overrideRuleSet,omitempty"`
}

// configUpdate is Confluent's ConfigUpdateRequest (PUT config body and response): the same
// fields as configResponse, but the level is named "compatibility". The level is a string so
// that an unknown level is 42203 rather than a JSON error.
type configUpdate struct {
	Compatibility       *string         `json:"compatibility,omitempty"`
	Alias               *string         `json:"alias,omitempty"`
	Normalize           *bool           `json:"normalize,omitempty"`
	ValidateFields      *bool           `json:"validateFields,omitempty"`
	ValidateRules       *bool           `json:"validateRules,omitempty"`
	CompatibilityPolicy *string         `json:"compatibilityPolicy,omitempty"`
	CompatibilityGroup  *string         `json:"compatibilityGroup,omitempty"`
	DefaultMetadata     *store.Metadata `json:"defaultMetadata,omitempty"`
	OverrideMetadata    *store.Metadata `json:"overrideMetadata,omitempty"`
	DefaultRuleSet      *store.RuleSet  `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet     *store.RuleSet  `json:"overrideRuleSet,omitempty"`
}

func newConfigResponse(c store.ConfigRecord) configResponse {
	return configResponse{
		CompatibilityLevel: c.CompatibilityLevel, Alias: c.Alias, Normalize: c.Normalize, ValidateFields: c.ValidateFields,
		ValidateRules: c.ValidateRules, CompatibilityPolicy: c.CompatibilityPolicy, CompatibilityGroup: c.CompatibilityGroup,
		DefaultMetadata: c.DefaultMetadata, OverrideMetadata: c.OverrideMetadata, DefaultRuleSet: c.DefaultRuleSet,
		OverrideRuleSet: c.OverrideRuleSet,
	}
}

// toStore converts the update; the level must already have been validated.
func (u configUpdate) toStore() (store.ConfigRecord, error) {
	out := store.ConfigRecord{
		Alias: u.Alias, Normalize: u.Normalize, ValidateFields: u.ValidateFields,
		ValidateRules: u.ValidateRules, CompatibilityPolicy: u.CompatibilityPolicy, CompatibilityGroup: u.CompatibilityGroup,
		DefaultMetadata: u.DefaultMetadata, OverrideMetadata: u.OverrideMetadata, DefaultRuleSet: u.DefaultRuleSet,
		OverrideRuleSet: u.OverrideRuleSet,
	}
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
	r := newConfigResponse(c)
	u := configUpdate{
		Alias: r.Alias, Normalize: r.Normalize, ValidateFields: r.ValidateFields, ValidateRules: r.ValidateRules,
		CompatibilityPolicy: r.CompatibilityPolicy, CompatibilityGroup: r.CompatibilityGroup,
		DefaultMetadata: r.DefaultMetadata, OverrideMetadata: r.OverrideMetadata, DefaultRuleSet: r.DefaultRuleSet,
		OverrideRuleSet: r.OverrideRuleSet,
	}
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
