package jsonata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	hamba "github.com/hamba/avro/v2"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/jsonata"
	"github.com/accord-registry/accord/serde/sertest"
)

// Three versions of a subject, as Confluent's data-contract documentation builds them: v1
// and v2 (a compatible change: a field with a default) carry major_version 1; v3 renames
// ssn, a breaking change the compatibilityGroup admits because it carries major_version 2,
// with JSONata rules that migrate records between the majors.
const (
	subject = "users-value"
	userV1  = `{"type":"record","name":"User","namespace":"com.acme","fields":[
		{"name":"name","type":"string"},{"name":"ssn","type":"string"},{"name":"email","type":["null","string"],"default":null}]}`
	userV2 = `{"type":"record","name":"User","namespace":"com.acme","fields":[
		{"name":"name","type":"string"},{"name":"ssn","type":"string"},{"name":"email","type":["null","string"],"default":null},
		{"name":"age","type":"int","default":18}]}`
	userV3 = `{"type":"record","name":"User","namespace":"com.acme","fields":[
		{"name":"name","type":"string"},{"name":"socialSecurityNumber","type":"string"},{"name":"email","type":["null","string"],"default":null},
		{"name":"age","type":"int","default":18}]}`
)

type userMajor1 struct {
	Name  string  `avro:"name"`
	SSN   string  `avro:"ssn"`
	Email *string `avro:"email"`
	Age   int32   `avro:"age"`
}

type userMajor2 struct {
	Name                 string  `avro:"name"`
	SocialSecurityNumber string  `avro:"socialSecurityNumber"`
	Email                *string `avro:"email"`
	Age                  int32   `avro:"age"`
}

// registry is the HTTP API of a test registry, used directly: these are the requests
// Confluent's clients make to plan a migration.
type registry struct {
	url    string
	client *serde.Client
	http   *http.Client
}

func (r registry) do(t *testing.T, method, path string, body, out any) {
	t.Helper()
	var in io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, r.url+path, in)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := r.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

// registered is a schema as the registry answers it.
type registered struct {
	ID         int             `json:"id"`
	Version    int             `json:"version"`
	Schema     string          `json:"schema"`
	SchemaType string          `json:"schemaType"`
	Metadata   *rules.Metadata `json:"metadata"`
	RuleSet    *rules.RuleSet  `json:"ruleSet"`
}

func (s registered) versioned() rules.Versioned {
	typ := s.SchemaType
	if typ == "" {
		typ = "AVRO"
	}
	return rules.Versioned{Version: s.Version, Info: &rules.SchemaInfo{Schema: s.Schema, SchemaType: typ, Metadata: s.Metadata, RuleSet: s.RuleSet}}
}

func (r registry) register(t *testing.T, schema string, major int, rs *rules.RuleSet) int {
	t.Helper()
	body := map[string]any{"schema": schema, "metadata": map[string]any{"properties": map[string]string{"major_version": fmt.Sprint(major)}}}
	if rs != nil {
		body["ruleSet"] = rs
	}
	var out struct{ ID int }
	r.do(t, http.MethodPost, "/subjects/"+subject+"/versions", body, &out)
	return out.ID
}

// writerVersion is the writer's version in the subject, looked up as Confluent's clients
// do: the schema by id (with its metadata and rule set), then POST
// /subjects/{subject}?deleted=true with all of it.
func (r registry) writerVersion(t *testing.T, id int) rules.Versioned {
	t.Helper()
	var s registered
	r.do(t, http.MethodGet, fmt.Sprintf("/schemas/ids/%d?subject=%s", id, subject), nil, &s)
	lookup := map[string]any{"schema": s.Schema}
	if s.Metadata != nil {
		lookup["metadata"] = s.Metadata
	}
	if s.RuleSet != nil {
		lookup["ruleSet"] = s.RuleSet
	}
	var found registered
	r.do(t, http.MethodPost, "/subjects/"+subject+"?deleted=true", lookup, &found)
	return found.versioned()
}

// readerVersion is the latest version carrying major_version, as use.latest.with.metadata
// finds it.
func (r registry) readerVersion(t *testing.T, major int) rules.Versioned {
	t.Helper()
	var s registered
	r.do(t, http.MethodGet, fmt.Sprintf("/subjects/%s/metadata?key=major_version&value=%d", subject, major), nil, &s)
	return s.versioned()
}

// fetch is the planner's VersionFetcher, recording what it was asked.
func (r registry) fetch(t *testing.T, asked *[]int) rules.VersionFetcher {
	return func(_ context.Context, subj string, v int) (*rules.SchemaInfo, error) {
		*asked = append(*asked, v)
		var s registered
		r.do(t, http.MethodGet, fmt.Sprintf("/subjects/%s/versions/%d?deleted=true", url.PathEscape(subj), v), nil, &s)
		return s.versioned().Info, nil
	}
}

func parse(t *testing.T, text string) hamba.Schema {
	t.Helper()
	s, err := hamba.ParseWithCache(text, "", &hamba.SchemaCache{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// migrate is, done by hand against the registry's HTTP API, what a deserializer with a
// reader version does with a record (serde/avro's migrate_test.go runs the real one):
// decode with the writer's schema into a generic value, plan, turn the value into a tree,
// run the steps, read the tree as the reader's schema, and decode that into the reader's
// type.
func migrate(t *testing.T, r registry, e *rules.Engine, record []byte, readerMajor int, into any) (steps []string, fetched []int) {
	t.Helper()
	ctx := context.Background()
	de, err := avro.NewGenericDeserializer(r.client)
	if err != nil {
		t.Fatal(err)
	}
	generic, id, err := de.Deserialize(ctx, record, nil)
	if err != nil {
		t.Fatal(err)
	}
	writer, reader := r.writerVersion(t, int(id.ID)), r.readerVersion(t, readerMajor)
	plan, err := rules.Migrations(ctx, subject, writer, reader, r.fetch(t, &fetched))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range plan {
		steps = append(steps, fmt.Sprintf("%s %d->%d", s.Mode, s.Source.Version, s.Target.Version))
	}
	writerSchema, readerSchema := parse(t, writer.Info.Schema), parse(t, reader.Info.Schema)
	tree, err := avro.ToJSONTree(writerSchema, generic)
	if err != nil {
		t.Fatal(err)
	}
	migrated, err := rules.RunMigrations(&rules.Context{Context: ctx, Subject: subject, Topic: "users"}, e, plan, tree)
	if err != nil {
		t.Fatal(err)
	}
	value, err := avro.FromJSONTree(readerSchema, migrated)
	if err != nil {
		t.Fatal(err)
	}
	body, err := hamba.Marshal(readerSchema, value)
	if err != nil {
		t.Fatal(err)
	}
	if err := hamba.Unmarshal(readerSchema, body, into); err != nil {
		t.Fatal(err)
	}
	return steps, fetched
}

func TestMigrationsBetweenMajorVersionsEndToEnd(t *testing.T) {
	reg := sertest.New(t)
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	r := registry{url: reg.URL(), client: reg.Client(), http: &http.Client{Transport: transport}}

	r.do(t, http.MethodPut, "/config/"+subject, map[string]any{"compatibility": "BACKWARD", "compatibilityGroup": "major_version"}, nil)
	id1 := r.register(t, userV1, 1, nil)
	r.register(t, userV2, 1, nil)
	id3 := r.register(t, userV3, 2, &rules.RuleSet{MigrationRules: []rules.Rule{
		{Name: "upgrade", Kind: rules.Transform, Mode: rules.Upgrade, Type: "JSONATA", Expr: renameUp},
		{Name: "downgrade", Kind: rules.Transform, Mode: rules.Downgrade, Type: "JSONATA", Expr: renameDown},
	}})

	e, err := rules.NewEngine(rules.WithExecutors(jsonata.NewExecutor()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	t.Run("v1 record read as major 2", func(t *testing.T) {
		ser, err := avro.NewSerializer[userMajor1](reg.Client(), userV1, serde.UseSchemaID(int32(id1)))
		if err != nil {
			t.Fatal(err)
		}
		email := "ann@example.com"
		record, err := ser.Serialize(ctx, "users", userMajor1{Name: "ann", SSN: "123-45-6789", Email: &email})
		if err != nil {
			t.Fatal(err)
		}
		var got userMajor2
		steps, fetched := migrate(t, r, e, record, 2, &got)
		if d := cmp.Diff([]string{"UPGRADE 2->3"}, steps); d != "" {
			t.Errorf("steps (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]int{2}, fetched); d != "" {
			t.Errorf("fetched (-want +got):\n%s", d)
		}
		want := userMajor2{Name: "ann", SocialSecurityNumber: "123-45-6789", Email: &email, Age: 18}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})

	t.Run("v3 record read as major 1", func(t *testing.T) {
		ser, err := avro.NewSerializer[userMajor2](reg.Client(), userV3, serde.UseSchemaID(int32(id3)))
		if err != nil {
			t.Fatal(err)
		}
		record, err := ser.Serialize(ctx, "users", userMajor2{Name: "bob", SocialSecurityNumber: "987-65-4321", Age: 40})
		if err != nil {
			t.Fatal(err)
		}
		var got userMajor1
		steps, fetched := migrate(t, r, e, record, 1, &got)
		if d := cmp.Diff([]string{"DOWNGRADE 3->2"}, steps); d != "" {
			t.Errorf("steps (-want +got):\n%s", d)
		}
		if len(fetched) != 0 {
			t.Errorf("fetched %v between adjacent versions", fetched)
		}
		want := userMajor1{Name: "bob", SSN: "987-65-4321", Age: 40} // email null, left out by jsonata-go, read as null
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("record (-want +got):\n%s", d)
		}
	})

	t.Run("same major, no migration", func(t *testing.T) {
		ser, err := avro.NewSerializer[userMajor2](reg.Client(), userV3, serde.UseSchemaID(int32(id3)))
		if err != nil {
			t.Fatal(err)
		}
		record, err := ser.Serialize(ctx, "users", userMajor2{Name: "cy", SocialSecurityNumber: "1", Age: 3})
		if err != nil {
			t.Fatal(err)
		}
		var got userMajor2
		steps, _ := migrate(t, r, e, record, 2, &got)
		if len(steps) != 0 || got.SocialSecurityNumber != "1" {
			t.Errorf("steps %v, record %+v", steps, got)
		}
	})
}
