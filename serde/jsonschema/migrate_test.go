package jsonschema_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/jsonata"
	"github.com/accord-registry/accord/serde/sertest"
)

// Migrations between major versions, run by the deserializer with the real rules engine
// and JSONATA executor: the subject's compatibilityGroup is major_version, v1 carries
// major_version 1, v2 renames ssn (a breaking change the group admits) and carries
// major_version 2 with the JSONata rules that migrate records between the two.

const (
	usersTopic   = "users"
	usersSubject = "users-value"
	userV1       = `{"title":"User","type":"object","properties":{
		"name":{"type":"string"},"ssn":{"type":"string"}},"required":["name","ssn"]}`
	userV2 = `{"title":"User","type":"object","properties":{
		"name":{"type":"string"},"socialSecurityNumber":{"type":"string"}},"required":["name","socialSecurityNumber"]}`

	renameUp   = `$merge([$sift($, function($v, $k) {$k != 'ssn'}), {'socialSecurityNumber': $.'ssn'}])`
	renameDown = `$merge([$sift($, function($v, $k) {$k != 'socialSecurityNumber'}), {'ssn': $.'socialSecurityNumber'}])`
)

type userMajor1 struct {
	Name string `json:"name"`
	SSN  string `json:"ssn"`
}

type userMajor2 struct {
	Name                 string `json:"name"`
	SocialSecurityNumber string `json:"socialSecurityNumber"`
}

func renameRules(onFailure string) *rules.RuleSet {
	return &rules.RuleSet{MigrationRules: []rules.Rule{
		{Name: "upgrade", Kind: rules.Transform, Mode: rules.Upgrade, Type: "JSONATA", Expr: renameUp, OnFailure: onFailure},
		{Name: "downgrade", Kind: rules.Transform, Mode: rules.Downgrade, Type: "JSONATA", Expr: renameDown, OnFailure: onFailure},
	}}
}

// majors registers v1 and v2 (with rs) of users-value under compatibilityGroup
// major_version, and returns their ids.
func majors(t *testing.T, reg *sertest.Registry, v2 string, rs *rules.RuleSet) (id1, id2 int32) {
	t.Helper()
	set := sr.SetCompatibility{Level: sr.CompatBackward, Group: "major_version"}
	if res := reg.SR().SetCompatibility(ctx, set, usersSubject); len(res) != 1 || res[0].Err != nil {
		t.Fatalf("set compatibilityGroup: %+v", res)
	}
	major := func(n string) *rules.Metadata {
		return &rules.Metadata{Properties: map[string]string{"major_version": n}}
	}
	id1 = int32(reg.Register(t, usersSubject, sertest.Schema{Schema: userV1, SchemaType: "JSON", Metadata: major("1")}))
	id2 = int32(reg.Register(t, usersSubject, sertest.Schema{Schema: v2, SchemaType: "JSON", Metadata: major("2"), RuleSet: rs}))
	return id1, id2
}

func jsonataEngine(t *testing.T) *rules.Engine {
	t.Helper()
	e, err := rules.NewEngine(rules.WithExecutors(jsonata.NewExecutor()))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func record[T any](t *testing.T, c *serde.Client, schema string, id int32, v T) []byte {
	t.Helper()
	b, err := newSerializer[T](t, c, schema, serde.UseSchemaID(id)).Serialize(ctx, usersTopic, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readAs(n string, e rules.Runner, more ...serde.Option) []serde.Option {
	return append([]serde.Option{serde.UseLatestWithMetadata(map[string]string{"major_version": n}), serde.Rules(e)}, more...)
}

func TestMigrationUpgradeAndDowngrade(t *testing.T) {
	reg := sertest.New(t)
	id1, id2 := majors(t, reg, userV2, renameRules(""))
	c := reg.Client()
	e := jsonataEngine(t)
	topic := serde.WithTopic(ctx, usersTopic)
	v1 := record(t, c, userV1, id1, userMajor1{Name: "ann", SSN: "123"})
	v2 := record(t, c, userV2, id2, userMajor2{Name: "bob", SocialSecurityNumber: "456"})

	t.Run("v1 read as major 2, validated", func(t *testing.T) {
		de := newDeserializer[userMajor2](t, c, readAs("2", e, serde.Validate())...)
		got, id, err := de.Deserialize(topic, v1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if id.ID != id1 {
			t.Errorf("id %v, want the writer's %d", id, id1)
		}
		if d := cmp.Diff(userMajor2{Name: "ann", SocialSecurityNumber: "123"}, got); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})
	t.Run("v2 read as major 1", func(t *testing.T) {
		de := newDeserializer[userMajor1](t, c, readAs("1", e)...)
		got, _, err := de.Deserialize(topic, v2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(userMajor1{Name: "bob", SSN: "456"}, got); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})
	t.Run("generic deserializer", func(t *testing.T) {
		de := newDeserializer[any](t, c, readAs("2", e)...)
		got, _, err := de.Deserialize(topic, v1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(map[string]any{"name": "ann", "socialSecurityNumber": "123"}, got); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})
}

// After the first record, neither a migrated record nor one of the reader's own version
// costs a request, and a record of the reader's own version costs no lookup at all.
func TestMigrationPlannedOnce(t *testing.T) {
	reg := sertest.New(t)
	id1, id2 := majors(t, reg, userV2, renameRules(""))
	c := reg.Client()
	topic := serde.WithTopic(ctx, usersTopic)
	v1 := record(t, c, userV1, id1, userMajor1{Name: "ann", SSN: "123"})
	v2 := record(t, c, userV2, id2, userMajor2{Name: "bob", SocialSecurityNumber: "456"})
	de := newDeserializer[userMajor2](t, reg.Client(), readAs("2", jsonataEngine(t))...)

	for _, tc := range []struct {
		name   string
		record []byte
		want   string
		first  int64 // requests for the first record
	}{
		{"same version", v2, "456", 2}, // the writer's schema, the reader's version
		{"migrated", v1, "123", 2},     // the writer's schema, its version by lookup
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := reg.Requests()
			for i := range 3 {
				got, _, err := de.Deserialize(topic, tc.record, nil)
				if err != nil {
					t.Fatal(err)
				}
				if got.SocialSecurityNumber != tc.want {
					t.Fatalf("record %d: %+v", i, got)
				}
			}
			if n := reg.Requests() - before; n != tc.first {
				t.Errorf("%d requests for three records, want %d", n, tc.first)
			}
		})
	}
}

func TestMigrationFailure(t *testing.T) {
	// v2's schema lets a record through unmigrated, so that NONE has something to show.
	const loose = `{"title":"User","type":"object"}`
	broken := func(onFailure string) *rules.RuleSet {
		return &rules.RuleSet{MigrationRules: []rules.Rule{{Name: "broken", Kind: rules.Transform, Mode: rules.UpDown,
			Type: "JSONATA", Expr: "$.nosuchfield", OnFailure: onFailure}}}
	}
	t.Run("ERROR", func(t *testing.T) {
		reg := sertest.New(t)
		id1, _ := majors(t, reg, loose, broken("ERROR"))
		v1 := record(t, reg.Client(), userV1, id1, userMajor1{Name: "ann", SSN: "123"})
		de := newDeserializer[userMajor2](t, reg.Client(), readAs("2", jsonataEngine(t))...)
		_, _, err := de.Deserialize(serde.WithTopic(ctx, usersTopic), v1, nil)
		var re *rules.Error
		if !errors.As(err, &re) || re.Rule != "broken" || re.Mode != rules.Upgrade || !errors.Is(err, jsonata.ErrUndefined) {
			t.Fatalf("err %v, want the rule's failure (UPGRADE, jsonata.ErrUndefined)", err)
		}
	})
	t.Run("NONE", func(t *testing.T) {
		reg := sertest.New(t)
		id1, _ := majors(t, reg, loose, broken("NONE"))
		v1 := record(t, reg.Client(), userV1, id1, userMajor1{Name: "ann", SSN: "123"})
		de := newDeserializer[userMajor1](t, reg.Client(), readAs("2", jsonataEngine(t))...)
		got, _, err := de.Deserialize(serde.WithTopic(ctx, usersTopic), v1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(userMajor1{Name: "ann", SSN: "123"}, got); d != "" {
			t.Errorf("record let through unmigrated (-want +got):\n%s", d)
		}
	})
}
