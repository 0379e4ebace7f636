package protobuf_test

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/protobuf/internal/testpb/usersv1"
	"github.com/accord-registry/accord/serde/protobuf/internal/testpb/usersv2"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/jsonata"
	"github.com/accord-registry/accord/serde/sertest"
)

// Migrations between major versions, run by the deserializers with the real rules engine
// and JSONATA executor, on the protobuf JSON of the records as Confluent's Go client gives
// it to JSONata: the subject's compatibilityGroup is major_version, v1 carries
// major_version 1, v2 renames ssn (a breaking change the group admits) and carries
// major_version 2 with the JSONata rules that migrate records between the two.

const (
	usersTopic   = "users"
	usersSubject = "users-value"
	renameUp     = `$merge([$sift($, function($v, $k) {$k != 'ssn'}), {'socialSecurityNumber': $.'ssn'}])`
	renameDown   = `$merge([$sift($, function($v, $k) {$k != 'socialSecurityNumber'}), {'ssn': $.'socialSecurityNumber'}])`
	bigID        = 1<<53 + 1 // not a float64: survives only if the tree keeps 64-bit integers exact
)

func renameRules(onFailure string) *rules.RuleSet {
	return &rules.RuleSet{MigrationRules: []rules.Rule{
		{Name: "upgrade", Kind: rules.Transform, Mode: rules.Upgrade, Type: "JSONATA", Expr: renameUp, OnFailure: onFailure},
		{Name: "downgrade", Kind: rules.Transform, Mode: rules.Downgrade, Type: "JSONATA", Expr: renameDown, OnFailure: onFailure},
	}}
}

func protoText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// majors registers v1 and v2 (with rs) of users-value under compatibilityGroup
// major_version, and returns their ids.
func majors(t *testing.T, reg *sertest.Registry, rs *rules.RuleSet) (id1, id2 int32) {
	t.Helper()
	set := sr.SetCompatibility{Level: sr.CompatBackward, Group: "major_version"}
	if res := reg.SR().SetCompatibility(ctx, set, usersSubject); len(res) != 1 || res[0].Err != nil {
		t.Fatalf("set compatibilityGroup: %+v", res)
	}
	major := func(n string) *rules.Metadata {
		return &rules.Metadata{Properties: map[string]string{"major_version": n}}
	}
	id1 = int32(reg.Register(t, usersSubject, sertest.Schema{Schema: protoText(t, "internal/testpb/usersv1/user.proto"),
		SchemaType: "PROTOBUF", Metadata: major("1")}))
	id2 = int32(reg.Register(t, usersSubject, sertest.Schema{Schema: protoText(t, "internal/testpb/usersv2/user.proto"),
		SchemaType: "PROTOBUF", Metadata: major("2"), RuleSet: rs}))
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

func record[T proto.Message](t *testing.T, c *serde.Client, id int32, m T) []byte {
	t.Helper()
	b, err := newSerializer[T](t, c, serde.UseSchemaID(id)).Serialize(ctx, usersTopic, m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readAs(n string, e rules.Runner) []serde.Option {
	return []serde.Option{serde.UseLatestWithMetadata(map[string]string{"major_version": n}), serde.Rules(e)}
}

func TestMigrationUpgradeAndDowngrade(t *testing.T) {
	reg := sertest.New(t)
	id1, id2 := majors(t, reg, renameRules(""))
	c := reg.Client()
	e := jsonataEngine(t)
	topic := serde.WithTopic(ctx, usersTopic)
	v1 := record(t, c, id1, &usersv1.User{Name: "ann", Ssn: "123", Id: bigID})
	v2 := record(t, c, id2, &usersv2.User{Name: "bob", SocialSecurityNumber: "456"})

	t.Run("v1 read as major 2", func(t *testing.T) {
		got, id, err := newDeserializer[*usersv2.User](t, c, readAs("2", e)...).Deserialize(topic, v1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if id.ID != id1 {
			t.Errorf("id %v, want the writer's %d", id, id1)
		}
		want := &usersv2.User{Name: "ann", SocialSecurityNumber: "123", Id: bigID}
		if d := cmp.Diff(want, got, protocmp.Transform()); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})
	t.Run("v2 read as major 1", func(t *testing.T) {
		got, _, err := newDeserializer[*usersv1.User](t, c, readAs("1", e)...).Deserialize(topic, v2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(&usersv1.User{Name: "bob", Ssn: "456"}, got, protocmp.Transform()); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})
	t.Run("dynamic deserializer reads the reader's message", func(t *testing.T) {
		got, _, err := newDynamic(t, c, readAs("2", e)...).Deserialize(topic, v1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if name := got.Descriptor().FullName(); name != "accord.users.v2.User" {
			t.Errorf("read as %s, want the reader's accord.users.v2.User", name)
		}
		b, err := protojson.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		var back usersv2.User
		if err := protojson.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		want := &usersv2.User{Name: "ann", SocialSecurityNumber: "123", Id: bigID}
		if d := cmp.Diff(want, &back, protocmp.Transform()); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})
}

// After the first record, neither a migrated record nor one of the reader's own version
// costs a request, and a record of the reader's own version costs no lookup at all.
func TestMigrationPlannedOnce(t *testing.T) {
	reg := sertest.New(t)
	id1, id2 := majors(t, reg, renameRules(""))
	c := reg.Client()
	topic := serde.WithTopic(ctx, usersTopic)
	v1 := record(t, c, id1, &usersv1.User{Name: "ann", Ssn: "123"})
	v2 := record(t, c, id2, &usersv2.User{Name: "bob", SocialSecurityNumber: "456"})
	de := newDeserializer[*usersv2.User](t, reg.Client(), readAs("2", jsonataEngine(t))...)

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
				if got.GetSocialSecurityNumber() != tc.want {
					t.Fatalf("record %d: %v", i, got)
				}
			}
			if n := reg.Requests() - before; n != tc.first {
				t.Errorf("%d requests for three records, want %d", n, tc.first)
			}
		})
	}
}

func TestMigrationFailure(t *testing.T) {
	broken := func(onFailure string) *rules.RuleSet {
		return &rules.RuleSet{MigrationRules: []rules.Rule{{Name: "broken", Kind: rules.Transform, Mode: rules.UpDown,
			Type: "JSONATA", Expr: "$.nosuchfield", OnFailure: onFailure}}}
	}
	t.Run("ERROR", func(t *testing.T) {
		reg := sertest.New(t)
		_, id2 := majors(t, reg, broken("ERROR"))
		v2 := record(t, reg.Client(), id2, &usersv2.User{Name: "bob", SocialSecurityNumber: "456"})
		_, _, err := newDeserializer[*usersv1.User](t, reg.Client(), readAs("1", jsonataEngine(t))...).
			Deserialize(serde.WithTopic(ctx, usersTopic), v2, nil)
		var re *rules.Error
		if !errors.As(err, &re) || re.Rule != "broken" || re.Mode != rules.Downgrade || !errors.Is(err, jsonata.ErrUndefined) {
			t.Fatalf("err %v, want the rule's failure (DOWNGRADE, jsonata.ErrUndefined)", err)
		}
	})
	t.Run("NONE", func(t *testing.T) {
		// The record goes on unmigrated, and v2's JSON is not v1's: reading it fails in
		// protobuf JSON, as in Confluent's Go client, not in the rule.
		reg := sertest.New(t)
		_, id2 := majors(t, reg, broken("NONE"))
		v2 := record(t, reg.Client(), id2, &usersv2.User{Name: "bob", SocialSecurityNumber: "456"})
		_, _, err := newDeserializer[*usersv1.User](t, reg.Client(), readAs("1", jsonataEngine(t))...).
			Deserialize(serde.WithTopic(ctx, usersTopic), v2, nil)
		var re *rules.Error
		if err == nil || errors.As(err, &re) {
			t.Fatalf("err %v, want protobuf JSON's, not the rule's", err)
		}
	})
}
