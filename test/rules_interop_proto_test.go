package test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The Protobuf form of the rules interop's person: the PII fields tagged with Confluent's
// field_meta option. Go builds dynamic messages from the compiled file; the clients build
// their message classes from its FileDescriptorSet.

const rulesPersonProto = `syntax = "proto3";
package acme.rules;

import "confluent/meta.proto";

message Person {
  int64 id = 1;
  string name = 2 [(confluent.field_meta).tags = "PII"];
  string ssn = 3 [(confluent.field_meta).tags = "PII"];
  string city = 4;
}
`

// rulesMetaProto declares what the schema uses of Confluent's confluent/meta.proto (the
// Meta message and its field_meta extension, same names and numbers), which every registry
// and client knows without a reference.
const rulesMetaProto = `syntax = "proto3";
package confluent;

import "google/protobuf/descriptor.proto";

message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}

extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
`

// compileRulesPerson compiles rulesPersonProto.
func compileRulesPerson(t *testing.T) linker.File {
	t.Helper()
	sources := map[string]string{"person.proto": rulesPersonProto, "confluent/meta.proto": rulesMetaProto}
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		if src, ok := sources[path]; ok {
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

// personMessage is v as a dynamic acme.rules.Person.
func personMessage(file linker.File, v rulesPerson) *dynamicpb.Message {
	md := file.Messages().ByName("Person")
	m := dynamicpb.NewMessage(md)
	fields := md.Fields()
	m.Set(fields.ByName("id"), protoreflect.ValueOfInt64(v.ID))
	m.Set(fields.ByName("name"), protoreflect.ValueOfString(v.Name))
	m.Set(fields.ByName("ssn"), protoreflect.ValueOfString(v.SSN))
	m.Set(fields.ByName("city"), protoreflect.ValueOfString(v.City))
	return m
}

// personValue reads a Person message back into a rulesPerson.
func personValue(m protoreflect.Message) rulesPerson {
	fields := m.Descriptor().Fields()
	return rulesPerson{ID: m.Get(fields.ByName("id")).Int(), Name: m.Get(fields.ByName("name")).String(),
		SSN: m.Get(fields.ByName("ssn")).String(), City: m.Get(fields.ByName("city")).String()}
}
