package store

import (
	"context"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
)

// TestIgnoredRecordsIDIsNotReused: an instance that parses what it reads ignores a SCHEMA
// record whose text does not parse, but a reader that trusts text (Confluent's, or Accord's
// with TrustSchemaText, on the same topic by mistake or during a migration) holds its id.
// Were the parsing instance to give that id to the next schema it registers, the trusting
// readers would ignore that registration as binding their id to another text: a write
// acknowledged that they never serve, and one id naming two schemas to consumers. The id of
// a record ignored is therefore never allocated.
func TestIgnoredRecordsIDIsNotReused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m := newMemShared()
	m.add([]Record{schemaRecord("junk", 1, 1, `"{{not a schema"`)}, true)
	parsing, err := Open(ctx, Config{Shared: m, WriteTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer parsing.Close()
	trusting, err := Open(ctx, Config{Shared: m, TrustSchemaText: true, WriteTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer trusting.Close()
	if err := parsing.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := parsing.Register(ctx, "other", SchemaRequest{Schema: `"int"`, Type: compat.TypeAvro, ID: -1}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == 1 {
		t.Errorf("the parsing instance gave id 1, held by the record it ignored, to another schema")
	}
	if err := trusting.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if served, err := trusting.Version(ctx, "other", 1, false); err != nil || served.ID != got.ID {
		t.Errorf("the trusting instance serves other version 1 as %+v, %v; want id %d, as acknowledged", served, err, got.ID)
	}
}
