package test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/protobuf"
)

// The Protobuf form of the migration interop's person: each major version is its own
// file of the same message; version 2's field social_security_number has the JSON name
// socialSecurityNumber, which is what migrations see (the clients hand JSONata a message's
// protobuf JSON, lowerCamelCase names and 64-bit integers as strings). Go builds dynamic
// messages of the compiled files; the clients build their message classes from their
// FileDescriptorSets.

func migrantProto(ssnField string) string {
	return `syntax = "proto3";
package acme.migration;

message Person {
  int64 id = 1;
  string name = 2;
  string ` + ssnField + ` = 3;
  optional string city = 4;
  Address address = 5;
}

message Address {
  string street = 1;
}
`
}

// migrantProtoField is the SSN's field name in Protobuf under a major version.
var migrantProtoField = map[string]string{"1": "ssn", "2": "social_security_number"}

// compileMigrant compiles the person of a major version.
func compileMigrant(t *testing.T, major string) linker.File {
	t.Helper()
	src := migrantProto(migrantProtoField[major])
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		if path == "person.proto" {
			return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(src))}, nil
		}
		return protocompile.SearchResult{}, errors.New("no " + path)
	}))}
	files, err := c.Compile(context.Background(), "person.proto")
	if err != nil {
		t.Fatal(err)
	}
	return files[0]
}

// compileMigrants compiles both major versions of a Protobuf case and writes their
// FileDescriptorSets for the client.
func compileMigrants(t *testing.T, c *migrationCase) {
	t.Helper()
	c.Message = "acme.migration.Person"
	c.Descriptors = map[string]string{}
	c.files = map[string]linker.File{}
	dir := t.TempDir()
	for _, major := range []string{"1", "2"} {
		c.files[major] = compileMigrant(t, major)
		c.Descriptors[major] = filepath.Join(dir, "migrant-v"+major+".bin")
		writeDescriptorSet(t, c.Descriptors[major], linker.Files{c.files[major]})
	}
}

// migrantMessage is the person as a dynamic message of a major version.
func migrantMessage(file linker.File, id int64, name, ssn string, city *string, address *migrantAddress) *dynamicpb.Message {
	md := file.Messages().ByName("Person")
	m := dynamicpb.NewMessage(md)
	fields := md.Fields()
	m.Set(fields.ByNumber(1), protoreflect.ValueOfInt64(id))
	m.Set(fields.ByNumber(2), protoreflect.ValueOfString(name))
	m.Set(fields.ByNumber(3), protoreflect.ValueOfString(ssn))
	if city != nil {
		m.Set(fields.ByNumber(4), protoreflect.ValueOfString(*city))
	}
	if address != nil {
		a := dynamicpb.NewMessage(file.Messages().ByName("Address"))
		a.Set(a.Descriptor().Fields().ByNumber(1), protoreflect.ValueOfString(address.Street))
		m.Set(fields.ByNumber(5), protoreflect.ValueOfMessage(a))
	}
	return m
}

// migrantFields reads the person's fields back from a message of either major version.
func migrantFields(m protoreflect.Message) (id int64, name, ssn string, city *string, address *migrantAddress) {
	fields := m.Descriptor().Fields()
	if f := fields.ByNumber(4); m.Has(f) {
		s := m.Get(f).String()
		city = &s
	}
	if f := fields.ByNumber(5); m.Has(f) {
		a := m.Get(f).Message()
		address = &migrantAddress{Street: a.Get(a.Descriptor().Fields().ByNumber(1)).String()}
	}
	return m.Get(fields.ByNumber(1)).Int(), m.Get(fields.ByNumber(2)).String(), m.Get(fields.ByNumber(3)).String(), city, address
}

// migrationWriteProto serializes v (a migrantV1 or migrantV2) under the latest schema of
// the given major version.
func migrationWriteProto(ctx context.Context, env rulesEnv, c migrationCase, major string, v any) ([]byte, error) {
	ser, err := protobuf.NewDynamicSerializer(env.client, serde.UseLatestWithMetadata(migrationMajor(major)), serde.Rules(env.engine))
	if err != nil {
		return nil, err
	}
	var m *dynamicpb.Message
	switch p := v.(type) {
	case migrantV1:
		m = migrantMessage(c.files[major], p.ID, p.Name, p.SSN, p.City, p.Address)
	case migrantV2:
		m = migrantMessage(c.files[major], p.ID, p.Name, p.SocialSecurityNumber, p.City, p.Address)
	}
	return ser.Serialize(ctx, c.Topic, m)
}

// migrationReadProto deserializes a record as the given major version, into T (a
// migrantV1 or migrantV2).
func migrationReadProto[T any](ctx context.Context, env rulesEnv, c migrationCase, major string, payload []byte) (T, error) {
	var v T
	de, err := protobuf.NewDynamicDeserializer(env.client, serde.UseLatestWithMetadata(migrationMajor(major)), serde.Rules(env.engine))
	if err != nil {
		return v, err
	}
	m, _, err := de.Deserialize(serde.WithTopic(ctx, c.Topic), payload, nil)
	if err != nil {
		return v, err
	}
	id, name, ssn, city, address := migrantFields(m)
	switch p := any(&v).(type) {
	case *migrantV1:
		*p = migrantV1{ID: id, Name: name, SSN: ssn, City: city, Address: address}
	case *migrantV2:
		*p = migrantV2{ID: id, Name: name, SocialSecurityNumber: ssn, City: city, Address: address}
	}
	return v, nil
}
