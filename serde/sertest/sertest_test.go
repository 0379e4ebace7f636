package sertest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde/sertest"
)

const (
	v1 = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"}]}`
	// v2 adds a field without a default, so readers of v2 cannot read v1 data: not
	// BACKWARD, hence not FULL.
	v2 = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"email","type":"string"}]}`
)

func TestRegisterAndRead(t *testing.T) {
	r := sertest.New(t)
	ctx := context.Background()
	ss, err := r.SR().CreateSchema(ctx, "users-value", sr.Schema{Schema: v1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.SR().SchemaByID(ctx, ss.ID)
	if err != nil || got.Schema != v1 {
		t.Fatalf("schema %d: %q, %v", ss.ID, got.Schema, err)
	}
}

func TestRegistriesAreIndependent(t *testing.T) {
	a, b := sertest.New(t), sertest.New(t)
	if a.URL() == b.URL() {
		t.Fatal("two registries share a URL")
	}
	ctx := context.Background()
	if _, err := a.SR().CreateSchema(ctx, "users-value", sr.Schema{Schema: v1}); err != nil {
		t.Fatal(err)
	}
	subjects, err := b.SR().Subjects(ctx)
	if err != nil || len(subjects) != 0 {
		t.Fatalf("the second registry has subjects %v, %v", subjects, err)
	}
}

func TestCompatibilityIsEnforced(t *testing.T) {
	r := sertest.New(t, sertest.WithCompatibility("FULL"))
	ctx := context.Background()
	levels := r.SR().Compatibility(ctx)
	if len(levels) != 1 || levels[0].Err != nil || levels[0].Level.String() != "FULL" {
		t.Fatalf("global level: %+v", levels)
	}
	if _, err := r.SR().CreateSchema(ctx, "users-value", sr.Schema{Schema: v1}); err != nil {
		t.Fatal(err)
	}
	_, err := r.SR().CreateSchema(ctx, "users-value", sr.Schema{Schema: v2})
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 409 {
		t.Fatalf("an incompatible version under FULL: %v, want a 409", err)
	}
}

func TestUnknownLevel(t *testing.T) {
	if r, err := sertest.Start(sertest.WithCompatibility("SOMETIMES")); err == nil {
		r.Close()
		t.Fatal("started with an unknown compatibility level")
	}
}

func TestRequestsAndClose(t *testing.T) {
	r, err := sertest.Start()
	if err != nil {
		t.Fatal(err)
	}
	before := r.Requests()
	if _, err := r.SR().Subjects(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := r.Requests() - before; n != 1 {
		t.Errorf("one call counted as %d requests", n)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := r.SR().Subjects(context.Background()); err == nil {
		t.Fatal("the registry still answers after Close")
	}
}

func Example() {
	registry, err := sertest.Start()
	if err != nil {
		panic(err)
	}
	defer registry.Close()
	ss, err := registry.SR().CreateSchema(context.Background(), "users-value", sr.Schema{Schema: v1})
	if err != nil {
		panic(err)
	}
	fmt.Println("registered", ss.Subject, "version", ss.Version, "id", ss.ID)
	// Output: registered users-value version 1 id 1
}
