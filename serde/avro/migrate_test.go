package avro_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	hamba "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/jsonata"
	"github.com/accord-registry/accord/serde/sertest"
)

// Migrations between major versions, run by the deserializers with the real rules engine
// and JSONATA executor: the subject's compatibilityGroup is major_version, v1 carries
// major_version 1, v2 renames ssn (a breaking change the group admits) and carries
// major_version 2 with the JSONata rules that migrate records between the two.

const (
	usersTopic       = "users"
	usersSubject     = "users-value"
	userMajor1Schema = `{"type":"record","name":"User","namespace":"com.acme","fields":[
		{"name":"name","type":"string"},{"name":"ssn","type":"string"},{"name":"email","type":["null","string"],"default":null}]}`
	userMajor2Schema = `{"type":"record","name":"User","namespace":"com.acme","fields":[
		{"name":"name","type":"string"},{"name":"socialSecurityNumber","type":"string"},{"name":"email","type":["null","string"],"default":null}]}`

	renameUp   = `$merge([$sift($, function($v, $k) {$k != 'ssn'}), {'socialSecurityNumber': $.'ssn'}])`
	renameDown = `$merge([$sift($, function($v, $k) {$k != 'socialSecurityNumber'}), {'ssn': $.'socialSecurityNumber'}])`
)

type userMajor1 struct {
	Name  string  `avro:"name"`
	SSN   string  `avro:"ssn"`
	Email *string `avro:"email"`
}

type userMajor2 struct {
	Name                 string  `avro:"name"`
	SocialSecurityNumber string  `avro:"socialSecurityNumber"`
	Email                *string `avro:"email"`
}

func renameRules() *rules.RuleSet {
	return &rules.RuleSet{MigrationRules: []rules.Rule{
		{Name: "upgrade", Kind: rules.Transform, Mode: rules.Upgrade, Type: "JSONATA", Expr: renameUp},
		{Name: "downgrade", Kind: rules.Transform, Mode: rules.Downgrade, Type: "JSONATA", Expr: renameDown},
	}}
}

func major(n string) *rules.Metadata {
	return &rules.Metadata{Properties: map[string]string{"major_version": n}}
}

// majors registers v1 and v2 (with rs) of users-value under compatibilityGroup
// major_version, and returns their ids.
func majors(t testing.TB, reg *sertest.Registry, v1, v2 string, rs *rules.RuleSet) (id1, id2 int32) {
	t.Helper()
	set := sr.SetCompatibility{Level: sr.CompatBackward, Group: "major_version"}
	if res := reg.SR().SetCompatibility(ctx, set, usersSubject); len(res) != 1 || res[0].Err != nil {
		t.Fatalf("set compatibilityGroup: %+v", res)
	}
	id1 = int32(reg.Register(t, usersSubject, sertest.Schema{Schema: v1, Metadata: major("1")}))
	id2 = int32(reg.Register(t, usersSubject, sertest.Schema{Schema: v2, Metadata: major("2"), RuleSet: rs}))
	return id1, id2
}

func jsonataEngine(t testing.TB, opts ...rules.Option) *rules.Engine {
	t.Helper()
	e, err := rules.NewEngine(append([]rules.Option{rules.WithExecutors(jsonata.NewExecutor())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// record serializes v with the schema of id, as a producer of that version does.
func record[T any](t testing.TB, c *serde.Client, schema string, id int32, v T) []byte {
	t.Helper()
	ser, err := avro.NewSerializer[T](c, schema, serde.UseSchemaID(id))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ser.Serialize(ctx, usersTopic, v)
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
	id1, id2 := majors(t, reg, userMajor1Schema, userMajor2Schema, renameRules())
	c := reg.Client()
	e := jsonataEngine(t)
	topic := serde.WithTopic(ctx, usersTopic)
	email := "ann@example.com"
	v1 := record(t, c, userMajor1Schema, id1, userMajor1{Name: "ann", SSN: "123", Email: &email})
	v2 := record(t, c, userMajor2Schema, id2, userMajor2{Name: "bob", SocialSecurityNumber: "456"})

	t.Run("v1 read as major 2", func(t *testing.T) {
		de := mustDeserializer[userMajor2](t, c, userMajor2Schema, readAs("2", e)...)
		got, id, err := de.Deserialize(topic, v1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if id.ID != id1 {
			t.Errorf("id %v, want the writer's %d", id, id1)
		}
		want := userMajor2{Name: "ann", SocialSecurityNumber: "123", Email: &email}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})
	t.Run("v2 read as major 1", func(t *testing.T) {
		de := mustDeserializer[userMajor1](t, c, userMajor1Schema, readAs("1", e)...)
		got, _, err := de.Deserialize(topic, v2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(userMajor1{Name: "bob", SSN: "456"}, got); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})
	t.Run("generic deserializer reads the reader's version", func(t *testing.T) {
		de, err := avro.NewGenericDeserializer(c, readAs("2", e)...)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := de.Deserialize(topic, v1, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"name": "ann", "socialSecurityNumber": "123", "email": email}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})
	t.Run("typed deserializer without a schema of its own", func(t *testing.T) {
		de := mustDeserializer[userMajor1](t, c, "", readAs("1", e)...)
		got, _, err := de.Deserialize(topic, v2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(userMajor1{Name: "bob", SSN: "456"}, got); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})
}

// After the first record, neither a migrated record nor one of the reader's own version
// costs a request: the plan is kept per writer and reader version.
func TestMigrationPlannedOnce(t *testing.T) {
	reg := sertest.New(t)
	id1, id2 := majors(t, reg, userMajor1Schema, userMajor2Schema, renameRules())
	c := reg.Client()
	topic := serde.WithTopic(ctx, usersTopic)
	v1 := record(t, c, userMajor1Schema, id1, userMajor1{Name: "ann", SSN: "123"})
	v2 := record(t, c, userMajor2Schema, id2, userMajor2{Name: "bob", SocialSecurityNumber: "456"})
	de := mustDeserializer[userMajor2](t, c, userMajor2Schema, readAs("2", jsonataEngine(t))...)

	for _, tc := range []struct {
		name   string
		record []byte
		want   string
	}{{"same version", v2, "456"}, {"migrated", v1, "123"}} {
		t.Run(tc.name, func(t *testing.T) {
			var requests int64
			for i := range 3 {
				got, _, err := de.Deserialize(topic, tc.record, nil)
				if err != nil {
					t.Fatal(err)
				}
				if got.SocialSecurityNumber != tc.want {
					t.Fatalf("record %d: %+v", i, got)
				}
				if i == 0 {
					requests = reg.Requests()
				}
			}
			if n := reg.Requests() - requests; n != 0 {
				t.Errorf("%d requests after the first record", n)
			}
		})
	}
}

// The writer's version is not looked up when the record's schema is the reader's.
func TestMigrationSameVersionNoLookup(t *testing.T) {
	reg := sertest.New(t)
	_, id2 := majors(t, reg, userMajor1Schema, userMajor2Schema, renameRules())
	c := reg.Client()
	v2 := record(t, c, userMajor2Schema, id2, userMajor2{Name: "bob", SocialSecurityNumber: "456"})
	runner := &sertest.FakeRunner{}
	de := mustDeserializer[userMajor2](t, reg.Client(), userMajor2Schema, readAs("2", runner)...) // a client that knows nothing yet
	before := reg.Requests()
	if _, _, err := de.Deserialize(serde.WithTopic(ctx, usersTopic), v2, nil); err != nil {
		t.Fatal(err)
	}
	// The writer's schema by id and the reader's version by metadata: no lookup, no version.
	if n := reg.Requests() - before; n != 2 {
		t.Errorf("%d requests for the first record of the reader's own version, want 2", n)
	}
	for _, call := range runner.Calls() {
		if call.Phase == rules.Migration {
			t.Errorf("migration phase ran: %+v", call)
		}
	}
}

func TestMigrationFailure(t *testing.T) {
	bad := func(onFailure string) *rules.RuleSet {
		return &rules.RuleSet{MigrationRules: []rules.Rule{{Name: "broken", Kind: rules.Transform, Mode: rules.UpDown,
			Type: "JSONATA", Expr: "$.nosuchfield", OnFailure: onFailure}}}
	}
	// v2 has a default for the renamed field, so that a record let through unmigrated
	// still reads as v2.
	const userMajor2Default = `{"type":"record","name":"User","namespace":"com.acme","fields":[
		{"name":"name","type":"string"},{"name":"socialSecurityNumber","type":"string","default":"none"},{"name":"email","type":["null","string"],"default":null}]}`

	t.Run("ERROR", func(t *testing.T) {
		reg := sertest.New(t)
		id1, _ := majors(t, reg, userMajor1Schema, userMajor2Default, bad(""))
		c := reg.Client()
		v1 := record(t, c, userMajor1Schema, id1, userMajor1{Name: "ann", SSN: "123"})
		de := mustDeserializer[userMajor2](t, c, userMajor2Default, readAs("2", jsonataEngine(t))...)
		_, _, err := de.Deserialize(serde.WithTopic(ctx, usersTopic), v1, nil)
		var re *rules.Error
		if !errors.As(err, &re) || re.Rule != "broken" || re.Mode != rules.Upgrade || !errors.Is(err, jsonata.ErrUndefined) {
			t.Fatalf("err %v, want the rule's failure (UPGRADE, jsonata.ErrUndefined)", err)
		}
	})
	t.Run("NONE", func(t *testing.T) {
		reg := sertest.New(t)
		id1, _ := majors(t, reg, userMajor1Schema, userMajor2Default, bad("NONE"))
		c := reg.Client()
		v1 := record(t, c, userMajor1Schema, id1, userMajor1{Name: "ann", SSN: "123"})
		de := mustDeserializer[userMajor2](t, c, userMajor2Default, readAs("2", jsonataEngine(t))...)
		got, _, err := de.Deserialize(serde.WithTopic(ctx, usersTopic), v1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(userMajor2{Name: "ann", SocialSecurityNumber: "none"}, got); d != "" {
			t.Errorf("record let through unmigrated (-want +got):\n%s", d)
		}
	})
}

// A path of several versions, some soft-deleted, as Confluent's clients walk it: v1 and v2
// (major 1; v2 adds age with a default), v3 (major 2: the rename, with its rules), v4
// (major 2: adds a note with a default, no rules). v1 and v3 are soft-deleted, which a
// migration must not mind: the writer's version is looked up and the versions between are
// fetched with deleted=true.
func TestMigrationAcrossSoftDeletedVersions(t *testing.T) {
	const (
		v2 = `{"type":"record","name":"User","namespace":"com.acme","fields":[
			{"name":"name","type":"string"},{"name":"ssn","type":"string"},{"name":"email","type":["null","string"],"default":null},
			{"name":"age","type":"int","default":18}]}`
		v3 = `{"type":"record","name":"User","namespace":"com.acme","fields":[
			{"name":"name","type":"string"},{"name":"socialSecurityNumber","type":"string"},{"name":"email","type":["null","string"],"default":null},
			{"name":"age","type":"int","default":18}]}`
		v4 = `{"type":"record","name":"User","namespace":"com.acme","fields":[
			{"name":"name","type":"string"},{"name":"socialSecurityNumber","type":"string"},{"name":"email","type":["null","string"],"default":null},
			{"name":"age","type":"int","default":18},{"name":"note","type":"string","default":"-"}]}`
	)
	type userV4 struct {
		Name                 string  `avro:"name"`
		SocialSecurityNumber string  `avro:"socialSecurityNumber"`
		Email                *string `avro:"email"`
		Age                  int32   `avro:"age"`
		Note                 string  `avro:"note"`
	}
	reg := sertest.New(t)
	set := sr.SetCompatibility{Level: sr.CompatBackward, Group: "major_version"}
	if res := reg.SR().SetCompatibility(ctx, set, usersSubject); res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	id1 := int32(reg.Register(t, usersSubject, sertest.Schema{Schema: userMajor1Schema, Metadata: major("1")}))
	reg.Register(t, usersSubject, sertest.Schema{Schema: v2, Metadata: major("1")})
	reg.Register(t, usersSubject, sertest.Schema{Schema: v3, Metadata: major("2"), RuleSet: renameRules()})
	reg.Register(t, usersSubject, sertest.Schema{Schema: v4, Metadata: major("2")})
	c := reg.Client()
	v1 := record(t, c, userMajor1Schema, id1, userMajor1{Name: "ann", SSN: "123"})
	for _, version := range []int{1, 3} {
		if err := reg.SR().DeleteSchema(ctx, usersSubject, version, sr.SoftDelete); err != nil {
			t.Fatal(err)
		}
	}
	runner := &recordingRunner{Runner: jsonataEngine(t),
		names: map[string]string{userMajor1Schema: "v1", v2: "v2", v3: "v3", v4: "v4"}}
	de := mustDeserializer[userV4](t, c, v4, readAs("2", runner)...)
	got, _, err := de.Deserialize(serde.WithTopic(ctx, usersTopic), v1, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := userV4{Name: "ann", SocialSecurityNumber: "123", Age: 18, Note: "-"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("record (-want +got):\n%s", d)
	}
	// v1 to v2 has no step (v2 has no migration rules); v4, registered without a rule set,
	// inherits v3's, as Confluent's registry does, so v3 to v4 is a step too.
	if d := cmp.Diff([]string{"UPGRADE v2->v3", "UPGRADE v3->v4"}, runner.migrations); d != "" {
		t.Errorf("migration steps (-want +got):\n%s", d)
	}
}

// recordingRunner notes the migration steps it runs, naming schemas by their fingerprints
// (the registry keeps a schema's canonical form).
type recordingRunner struct {
	rules.Runner
	names      map[string]string
	migrations []string
}

func (r *recordingRunner) Run(rc *rules.Context, phase rules.Phase, msg any) (any, error) {
	if phase == rules.Migration {
		r.migrations = append(r.migrations, fmt.Sprintf("%s %s->%s", rc.Mode, r.name(rc.Source.Schema), r.name(rc.Target.Schema)))
	}
	return r.Runner.Run(rc, phase, msg)
}

func (r *recordingRunner) name(text string) string {
	fp := func(text string) [32]byte {
		s, err := hamba.ParseWithCache(text, "", &hamba.SchemaCache{})
		if err != nil {
			return [32]byte{}
		}
		return s.Fingerprint()
	}
	for known, name := range r.names {
		if fp(known) == fp(text) {
			return name
		}
	}
	return "unknown"
}
