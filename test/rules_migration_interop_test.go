package test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/bufbuild/protocompile/linker"
	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/jsonschema"
	"github.com/accord-registry/accord/serde/rules"
)

// JSONata migrations across clients. A subject's compatibilityGroup is major_version; its
// version 1 (major 1) has the field ssn, its version 2 (major 2) renames it
// socialSecurityNumber, a breaking change the group admits, and carries the UPGRADE and
// DOWNGRADE JSONATA rules between the two. Each side writes the same person under each
// major version, and reads the other side's records as the other major version
// (use.latest.with.metadata), so that every record crosses a migration in both
// directions between two clients: Go v1 → client major 2, Go v2 → client major 1, client
// v1 → Go major 2, client v2 → Go major 1. The cases ride in the rules interop's manifest
// under "migrations"; the script writes its records to migrations.json.

// migrantV1 is the person as major version 1 writes it; City and Address are nullable
// unions in Avro (of a primitive type and of a record: Confluent's Go client hands JSONata
// the second as {"<record's full name>": value}, its Python client as the value).
type migrantV1 struct {
	ID      int64           `avro:"id" json:"id"`
	Name    string          `avro:"name" json:"name"`
	SSN     string          `avro:"ssn" json:"ssn"`
	City    *string         `avro:"city" json:"city"`
	Address *migrantAddress `avro:"address" json:"address"`
}

type migrantAddress struct {
	Street string `avro:"street" json:"street"`
}

// migrantV2 is the person as major version 2 writes it.
type migrantV2 struct {
	ID                   int64           `avro:"id" json:"id"`
	Name                 string          `avro:"name" json:"name"`
	SocialSecurityNumber string          `avro:"socialSecurityNumber" json:"socialSecurityNumber"`
	City                 *string         `avro:"city" json:"city"`
	Address              *migrantAddress `avro:"address" json:"address"`
}

// migrantAvro and migrantJSON are the person's schema with ssnField as the SSN's name.
func migrantAvro(ssnField string) string {
	return `{"type":"record","name":"Person","namespace":"com.acme.migration","fields":[` +
		`{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"` + ssnField + `","type":"string"},` +
		`{"name":"city","type":["null","string"],"default":null},{"name":"address","type":["null",` +
		`{"type":"record","name":"Address","fields":[{"name":"street","type":"string"}]}],"default":null}]}`
}

func migrantJSON(ssnField string) string {
	return `{"type":"object","title":"Person","properties":{"id":{"type":"integer"},"name":{"type":"string"},` +
		`"` + ssnField + `":{"type":"string"},"city":{"type":["string","null"]},` +
		`"address":{"type":["object","null"],"properties":{"street":{"type":"string"}},"required":["street"]}},` +
		`"required":["id","name","` + ssnField + `"]}`
}

// migrantSchema is the person's schema in the case's format under a major version.
func migrantSchema(format, major string) string {
	field := map[string]string{"1": "ssn", "2": "socialSecurityNumber"}[major]
	switch format {
	case "json":
		return migrantJSON(field)
	case "protobuf":
		return migrantProto(migrantProtoField[major])
	}
	return migrantAvro(field)
}

// The JSONata expressions of Confluent's own migration examples: a record with one field
// renamed, every other field as it was.
const (
	renameSSNUp   = `$merge([$sift($, function($v, $k) {$k != 'ssn'}), {'socialSecurityNumber': $.'ssn'}])`
	renameSSNDown = `$merge([$sift($, function($v, $k) {$k != 'socialSecurityNumber'}), {'ssn': $.'socialSecurityNumber'}])`
)

// migrationCase is one subject with two major versions, as the manifest carries it.
type migrationCase struct {
	Name   string    `json:"name"`
	Format string    `json:"format"` // avro or json
	Topic  string    `json:"topic"`  // the subject is Topic-value
	V1     migrantV1 `json:"v1"`     // the person as major 1
	V2     migrantV2 `json:"v2"`     // the same person as major 2
	GoV1   string    `json:"goV1"`   // Go's record of V1 under major 1, base64
	GoV2   string    `json:"goV2"`   // Go's record of V2 under major 2, base64
	// Protobuf: the message's full name, and each major version's FileDescriptorSet.
	Message     string            `json:"message,omitempty"`
	Descriptors map[string]string `json:"descriptors,omitempty"`

	files map[string]linker.File // Protobuf: each major version's compiled file
}

// migrationRecords are a client's records of a case, base64.
type migrationRecords struct {
	Name string `json:"name"`
	V1   string `json:"v1"`
	V2   string `json:"v2"`
}

// migrationInteropCases are the cases every client runs; client names the topics.
func migrationInteropCases(client string) []migrationCase {
	london := "London"
	v1 := migrantV1{ID: 7, Name: "Ada Lovelace", SSN: "123-45-6789", City: &london, Address: &migrantAddress{Street: "12 St James's Square"}}
	v2 := migrantV2{ID: v1.ID, Name: v1.Name, SocialSecurityNumber: v1.SSN, City: v1.City, Address: v1.Address}
	cases := []migrationCase{{Name: "avro-jsonata", Format: "avro"}, {Name: "json-jsonata", Format: "json"}}
	// @confluentinc/schemaregistry 1.10.1's ProtobufDeserializer runs no migration rules (it
	// reads every record as the writer's message: its source says JavaScript has no dynamic
	// message to migrate), so Node runs no Protobuf migration.
	if client != "node" {
		cases = append(cases, migrationCase{Name: "protobuf-jsonata", Format: "protobuf"})
	}
	for i := range cases {
		cases[i].Topic = client + "-" + cases[i].Name
		cases[i].V1, cases[i].V2 = v1, v2
	}
	return cases
}

// migrationMajor is the metadata that picks a major version.
func migrationMajor(n string) map[string]string { return map[string]string{"major_version": n} }

// registerMajors sets the case's subject's compatibilityGroup and registers its two major
// versions, the second with the migration rules.
func registerMajors(t *testing.T, s *server, c migrationCase) {
	t.Helper()
	subject := c.Topic + "-value"
	if r := s.do("PUT", "/config/"+subject, map[string]any{"compatibility": "BACKWARD", "compatibilityGroup": "major_version"}); r.Status != 200 {
		t.Fatalf("%s: config: %d %s", c.Name, r.Status, r.Body)
	}
	migrations := []rules.Rule{
		{Name: "upgradeSSN", Kind: rules.Transform, Mode: rules.Upgrade, Type: "JSONATA", Expr: renameSSNUp},
		{Name: "downgradeSSN", Kind: rules.Transform, Mode: rules.Downgrade, Type: "JSONATA", Expr: renameSSNDown},
	}
	for _, major := range []string{"1", "2"} {
		body := map[string]any{"schema": migrantSchema(c.Format, major), "metadata": map[string]any{"properties": migrationMajor(major)}}
		switch c.Format {
		case "json":
			body["schemaType"] = "JSON"
		case "protobuf":
			body["schemaType"] = "PROTOBUF"
		}
		if major == "2" {
			body["ruleSet"] = map[string]any{"migrationRules": migrations}
		}
		if r := s.do("POST", "/subjects/"+subject+"/versions", body); r.Status != 200 {
			t.Fatalf("%s: register major %s: %d %s", c.Name, major, r.Status, r.Body)
		}
	}
}

// prepareMigrations registers the cases and writes Go's records.
func prepareMigrations(ctx context.Context, t *testing.T, s *server, env rulesEnv, cases []migrationCase) {
	t.Helper()
	for i := range cases {
		c := &cases[i]
		if c.Format == "protobuf" {
			compileMigrants(t, c)
		}
		registerMajors(t, s, *c)
		v1, err := migrationWrite(ctx, env, *c, "1", c.V1)
		if err != nil {
			t.Fatalf("%s: Go serializer, major 1: %v", c.Name, err)
		}
		v2, err := migrationWrite(ctx, env, *c, "2", c.V2)
		if err != nil {
			t.Fatalf("%s: Go serializer, major 2: %v", c.Name, err)
		}
		c.GoV1, c.GoV2 = base64.StdEncoding.EncodeToString(v1), base64.StdEncoding.EncodeToString(v2)
	}
}

// migrationWrite serializes v under the latest schema of the given major version.
func migrationWrite[T any](ctx context.Context, env rulesEnv, c migrationCase, major string, v T) ([]byte, error) {
	opts := []serde.Option{serde.UseLatestWithMetadata(migrationMajor(major)), serde.Rules(env.engine)}
	switch c.Format {
	case "protobuf":
		return migrationWriteProto(ctx, env, c, major, v)
	case "avro":
		ser, err := avro.NewSerializer[T](env.client, migrantSchema(c.Format, major), opts...)
		if err != nil {
			return nil, err
		}
		return ser.Serialize(ctx, c.Topic, v)
	}
	ser, err := jsonschema.NewSerializer[T](env.client, migrantSchema(c.Format, major), opts...)
	if err != nil {
		return nil, err
	}
	return ser.Serialize(ctx, c.Topic, v)
}

// migrationRead deserializes a record as the given major version, migrating it there.
func migrationRead[T any](ctx context.Context, env rulesEnv, c migrationCase, major string, payload []byte) (T, error) {
	if c.Format == "protobuf" {
		return migrationReadProto[T](ctx, env, c, major, payload)
	}
	opts := []serde.Option{serde.UseLatestWithMetadata(migrationMajor(major)), serde.Rules(env.engine)}
	ctx = serde.WithTopic(ctx, c.Topic)
	if c.Format == "avro" {
		de, err := avro.NewDeserializer[T](env.client, "", opts...)
		if err != nil {
			var zero T
			return zero, err
		}
		v, _, err := de.Deserialize(ctx, payload, nil)
		return v, err
	}
	de, err := jsonschema.NewDeserializer[T](env.client, opts...)
	if err != nil {
		var zero T
		return zero, err
	}
	v, _, err := de.Deserialize(ctx, payload, nil)
	return v, err
}

// readMigrationRecords checks that the script read every case both ways and returns its
// records, one per case in order.
func readMigrationRecords(t *testing.T, dir string, out []byte, cases []migrationCase) []migrationRecords {
	t.Helper()
	want := fmt.Sprintf("migrations: %d read, %d written", 2*len(cases), 2*len(cases))
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `$`).Match(out) {
		t.Fatalf("the script did not go through every migration: want %q in its output", want)
	}
	var theirs []migrationRecords
	raw, err := os.ReadFile(filepath.Join(dir, "migrations.json"))
	if err == nil {
		err = json.Unmarshal(raw, &theirs)
	}
	if err != nil {
		t.Fatalf("the script's migration records: %v", err)
	}
	for i, c := range cases {
		if i >= len(theirs) || theirs[i].Name != c.Name {
			t.Fatalf("the script's migration records: %d, want one per case in order (%s at %d)", len(theirs), c.Name, i)
		}
	}
	return theirs
}

// checkMigrations reads the client's records with Go's deserializer, each as the other
// major version.
func checkMigrations(ctx context.Context, t *testing.T, env rulesEnv, client string, cases []migrationCase, theirs []migrationRecords) {
	t.Helper()
	for i, c := range cases {
		if err := checkMigrated[migrantV2](ctx, env, c, "2", theirs[i].V1, c.V2); err != nil {
			t.Errorf("%s: the %s record of major 1, read as major 2: %v", c.Name, client, err)
		}
		if err := checkMigrated[migrantV1](ctx, env, c, "1", theirs[i].V2, c.V1); err != nil {
			t.Errorf("%s: the %s record of major 2, read as major 1: %v", c.Name, client, err)
		}
	}
}

func checkMigrated[T any](ctx context.Context, env rulesEnv, c migrationCase, major, record string, want T) error {
	payload, err := base64.StdEncoding.DecodeString(record)
	if err != nil {
		return err
	}
	got, err := migrationRead[T](ctx, env, c, major, payload)
	if err != nil {
		return fmt.Errorf("Go deserializer: %w", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		return fmt.Errorf("Go read (-want +got):\n%s", diff)
	}
	return nil
}
