package serde

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde/rules"
)

// The registry's answers are decoded twice: into franz-go's types, which the rest of the
// client speaks, and their "ruleSet" and "metadata" into the rules package's, because
// franz-go's sr.SchemaRuleSet has no encodingRules and no enableAt, and a rule the client
// did not see is a rule that silently does not run.

// ruleFields is the part of a schema answer the rules need beyond franz-go's types.
type ruleFields struct {
	Metadata *rules.Metadata `json:"metadata,omitempty"`
	RuleSet  *rules.RuleSet  `json:"ruleSet,omitempty"`
}

// answer is one schema as the registry answered: franz-go's view and the rules' view.
type answer struct {
	ss   sr.SubjectSchema
	info *rules.SchemaInfo
}

// decodeAnswer decodes a registry answer that holds one schema.
func decodeAnswer(raw json.RawMessage) (answer, error) {
	var a answer
	if err := json.Unmarshal(raw, &a.ss); err != nil {
		return answer{}, fmt.Errorf("serde: decode the registry's answer: %w", err)
	}
	var rf ruleFields
	if err := json.Unmarshal(raw, &rf); err != nil {
		return answer{}, fmt.Errorf("serde: decode the registry's answer: %w", err)
	}
	a.info = schemaInfo(a.ss.Schema, rf)
	return a, nil
}

// schemaInfo is s as the rules see it.
func schemaInfo(s sr.Schema, rf ruleFields) *rules.SchemaInfo {
	return &rules.SchemaInfo{Schema: s.Schema, SchemaType: s.Type.String(), Metadata: rf.Metadata, RuleSet: rf.RuleSet}
}

// fetch sends one request whose answer is one schema.
func (c *Client) fetch(ctx context.Context, method, path string, body any) (answer, error) {
	var raw json.RawMessage
	if err := c.sr.Do(ctx, method, path, body, &raw); err != nil {
		return answer{}, err
	}
	return decodeAnswer(raw)
}

// idSchema is what the id and GUID caches hold: the schema, and the schema as the rules see
// it, so that a deserializer finds the writer's rule set with no request of its own.
type idSchema struct {
	schema sr.Schema
	info   *rules.SchemaInfo
}

// SchemaInfo returns the schema a record's id names as the rules see it: its text, type,
// metadata and complete rule set (GET /schemas/ids/{id} or /schemas/guids/{guid}). It shares
// the cache of [Client.Schema]: the two together make one request per id.
func (c *Client) SchemaInfo(ctx context.Context, id SchemaID) (*rules.SchemaInfo, error) {
	s, err := c.byID(ctx, id)
	return s.info, err
}

// hasRules reports whether a rule set has rules of the lists a serializer or deserializer
// runs: domain and encoding rules. Migration rules run between versions, not here.
func hasRules(rs *rules.RuleSet) bool {
	return rs != nil && (len(rs.DomainRules) > 0 || len(rs.EncodingRules) > 0)
}
