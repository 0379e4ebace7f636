package serde_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/sertest"
)

// The client gives serializers each schema's complete rule set and metadata, which
// franz-go's types would lose (encoding rules, enableAt), from the answers it caches anyway.

var (
	ruleSetV1 = &rules.RuleSet{
		DomainRules:   []rules.Rule{{Name: "encrypt", Kind: rules.Transform, Mode: rules.WriteRead, Type: "ENCRYPT", Tags: []string{"PII"}, Params: map[string]string{"encrypt.kek.name": "k1"}, OnFailure: "ERROR,NONE"}},
		EncodingRules: []rules.Rule{{Name: "payload", Kind: rules.Transform, Mode: rules.WriteRead, Type: "ENCRYPT_PAYLOAD"}},
		EnableAt:      "CLIENT",
	}
	metadataV1 = &rules.Metadata{Tags: map[string][]string{"com.example.User.email": {"PII"}}, Properties: map[string]string{"major": "1"}}
	ruleSetV2  = &rules.RuleSet{
		MigrationRules: []rules.Rule{{Name: "up", Kind: rules.Transform, Mode: rules.Upgrade, Type: "JSONATA", Expr: "$"}},
		DomainRules:    []rules.Rule{{Name: "positive", Kind: rules.Condition, Mode: rules.Write, Type: "CEL", Expr: "message.id > 0"}},
	}
	metadataV2 = &rules.Metadata{Properties: map[string]string{"major": "2"}}
)

func registerWithRules(t *testing.T, r *sertest.Registry) (id1, id2 int) {
	t.Helper()
	id1 = r.Register(t, "users-value", sertest.Schema{Schema: userV1, RuleSet: ruleSetV1, Metadata: metadataV1})
	id2 = r.Register(t, "users-value", sertest.Schema{Schema: userV2, RuleSet: ruleSetV2, Metadata: metadataV2})
	return id1, id2
}

func checkInfo(t *testing.T, what string, info *rules.SchemaInfo, schema string, rs *rules.RuleSet, md *rules.Metadata) {
	t.Helper()
	if info == nil {
		t.Fatalf("%s: no schema info", what)
	}
	if info.Schema != schema || info.SchemaType != "AVRO" || !reflect.DeepEqual(info.RuleSet, rs) || !reflect.DeepEqual(info.Metadata, md) {
		t.Errorf("%s: %+v (rules %+v, metadata %+v), want rules %+v, metadata %+v", what, info, info.RuleSet, info.Metadata, rs, md)
	}
}

func TestClientSchemaInfo(t *testing.T) {
	r := sertest.New(t)
	id1, id2 := registerWithRules(t, r)
	c := r.Client()
	ctx := context.Background()

	n := requests(r, func() {
		s, err := c.Schema(ctx, serde.IDOf(int32(id1)))
		if err != nil || s.Schema != userV1 {
			t.Fatalf("schema %d: %+v, %v", id1, s, err)
		}
		info, err := c.SchemaInfo(ctx, serde.IDOf(int32(id1)))
		if err != nil {
			t.Fatal(err)
		}
		checkInfo(t, "by id", info, userV1, ruleSetV1, metadataV1)
	})
	if n != 1 {
		t.Errorf("the schema and its rules of one id took %d requests, want 1", n)
	}

	latest, err := c.Latest(ctx, "users-value")
	if err != nil || latest.ID != int32(id2) {
		t.Fatalf("latest: %+v, %v", latest, err)
	}
	checkInfo(t, "latest", latest.Info, userV2, ruleSetV2, metadataV2)
	major1, err := c.LatestWithMetadata(ctx, "users-value", map[string]string{"major": "1"})
	if err != nil || major1.Version != 1 {
		t.Fatalf("latest with major 1: %+v, %v", major1, err)
	}
	checkInfo(t, "latest with metadata", major1.Info, userV1, ruleSetV1, metadataV1)
	v1, err := c.Version(ctx, "users-value", 1)
	if err != nil {
		t.Fatal(err)
	}
	checkInfo(t, "version 1", v1.Info, userV1, ruleSetV1, metadataV1)
	byGUID, err := c.SchemaInfo(ctx, serde.GUIDOf(latest.GUID))
	if err != nil {
		t.Fatal(err)
	}
	checkInfo(t, "by GUID", byGUID, userV2, ruleSetV2, metadataV2)
}

// TestClientIncludingDeleted: the variants for migrations also find soft-deleted versions;
// the plain ones do not.
func TestClientIncludingDeleted(t *testing.T) {
	r := sertest.New(t)
	id1, _ := registerWithRules(t, r)
	ctx := context.Background()
	if err := r.SR().Do(ctx, http.MethodDelete, "/subjects/users-value/versions/1", nil, nil); err != nil {
		t.Fatal(err)
	}
	c := r.Client()
	var re *sr.ResponseError
	if _, err := c.Version(ctx, "users-value", 1); !errors.As(err, &re) || re.StatusCode != http.StatusNotFound {
		t.Fatalf("soft-deleted version 1: %v, want a 404", err)
	}
	v1, err := c.VersionIncludingDeleted(ctx, "users-value", 1)
	if err != nil {
		t.Fatal(err)
	}
	checkInfo(t, "deleted version 1", v1.Info, userV1, ruleSetV1, metadataV1)
	// A deserializer looks the writer's schema up as the registry gave it, rules included.
	writer, err := c.Schema(ctx, serde.IDOf(int32(id1)))
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.SchemaInfo(ctx, serde.IDOf(int32(id1)))
	if err != nil {
		t.Fatal(err)
	}
	found, err := c.LookupIncludingDeleted(ctx, "users-value", writer, info)
	if err != nil || found.Version != 1 || found.ID != int32(id1) {
		t.Fatalf("lookup including deleted: %+v, %v", found, err)
	}
	checkInfo(t, "deleted lookup", found.Info, userV1, ruleSetV1, metadataV1)
	if _, err := c.LatestWithMetadata(ctx, "users-value", map[string]string{"major": "1"}); err == nil {
		t.Fatal("latest with metadata found a soft-deleted version")
	}
	major1, err := c.LatestWithMetadataIncludingDeleted(ctx, "users-value", map[string]string{"major": "1"})
	if err != nil || major1.Version != 1 {
		t.Fatalf("latest with metadata including deleted: %+v, %v", major1, err)
	}
	checkInfo(t, "deleted latest with metadata", major1.Info, userV1, ruleSetV1, metadataV1)
}
