package test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/jsonschema"
	"github.com/accord-registry/accord/serde/protobuf"
)

// Accord's side of the interop test: each format's serializer writes a case's expected
// value, and its deserializers (typed, and generic-free) read a client's record back.

// interopEnv is what the codecs share: the client of the running Accord, and the test's
// compiled .proto files.
type interopEnv struct {
	client *serde.Client
	files  linker.Files
}

// writeFunc serializes a case's expected value to its Topic.
type writeFunc func(ctx context.Context, env interopEnv, c interopCase) ([]byte, []serde.Header, error)

// readFunc deserializes a record and returns an error saying how it differs from the
// case's expected value.
type readFunc func(ctx context.Context, env interopEnv, c interopCase, payload []byte, headers []serde.Header) error

func avroCodec[T any]() interopCodec {
	write := func(ctx context.Context, env interopEnv, c interopCase) ([]byte, []serde.Header, error) {
		v, err := expectedAs[T](c)
		if err != nil {
			return nil, nil, err
		}
		ser, err := avro.NewSerializer[T](env.client, c.Schema, c.options()...)
		if err != nil {
			return nil, nil, err
		}
		return ser.SerializeWithHeaders(ctx, c.Topic, v, nil)
	}
	read := func(ctx context.Context, env interopEnv, c interopCase, payload []byte, headers []serde.Header) error {
		typed, err := avro.NewDeserializer[T](env.client, c.Schema, serde.References(c.References...))
		if err != nil {
			return err
		}
		if err := checkTyped(ctx, c, typed.Deserialize, payload, headers); err != nil {
			return err
		}
		generic, err := avro.NewGenericDeserializer(env.client)
		if err != nil {
			return err
		}
		return checkGeneric(ctx, c, generic.Deserialize, payload, headers)
	}
	return interopCodec{write: write, read: read}
}

func jsonCodec[T any]() interopCodec {
	write := func(ctx context.Context, env interopEnv, c interopCase) ([]byte, []serde.Header, error) {
		v, err := expectedAs[T](c)
		if err != nil {
			return nil, nil, err
		}
		ser, err := jsonschema.NewSerializer[T](env.client, c.Schema, c.options()...)
		if err != nil {
			return nil, nil, err
		}
		return ser.SerializeWithHeaders(ctx, c.Topic, v, nil)
	}
	read := func(ctx context.Context, env interopEnv, c interopCase, payload []byte, headers []serde.Header) error {
		typed, err := jsonschema.NewDeserializer[T](env.client, serde.Validate())
		if err != nil {
			return err
		}
		if err := checkTyped(ctx, c, typed.Deserialize, payload, headers); err != nil {
			return err
		}
		generic, err := jsonschema.NewGenericDeserializer(env.client, serde.Validate())
		if err != nil {
			return err
		}
		return checkGeneric(ctx, c, generic.Deserialize, payload, headers)
	}
	return interopCodec{write: write, read: read}
}

func protobufCodec() interopCodec {
	write := func(ctx context.Context, env interopEnv, c interopCase) ([]byte, []serde.Header, error) {
		m, err := expectedMessage(env, c)
		if err != nil {
			return nil, nil, err
		}
		ser, err := protobuf.NewDynamicSerializer(env.client, c.options()...)
		if err != nil {
			return nil, nil, err
		}
		return ser.SerializeWithHeaders(ctx, c.Topic, m, nil)
	}
	return interopCodec{write: write, read: readProtobuf}
}

// readProtobuf reads with the dynamic deserializer, which builds the message from the
// writer's schema in the registry and picks it by the record's message indexes.
func readProtobuf(ctx context.Context, env interopEnv, c interopCase, payload []byte, headers []serde.Header) error {
	de, err := protobuf.NewDynamicDeserializer(env.client)
	if err != nil {
		return err
	}
	got, _, err := de.Deserialize(ctx, payload, headers)
	if err != nil {
		return err
	}
	if name := string(got.Descriptor().FullName()); name != c.Message {
		return fmt.Errorf("the deserializer picked %s, want %s", name, c.Message)
	}
	want, err := expectedMessage(env, c)
	if err != nil {
		return err
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		return fmt.Errorf("dynamic deserializer (-want +got):\n%s", diff)
	}
	return nil
}

// checkTyped compares, field by field, what a typed deserializer read with the expected value.
func checkTyped[T any](ctx context.Context, c interopCase, deserialize func(context.Context, []byte, []serde.Header) (T, serde.SchemaID, error),
	payload []byte, headers []serde.Header) error {
	want, err := expectedAs[T](c)
	if err != nil {
		return err
	}
	got, _, err := deserialize(ctx, payload, headers)
	if err != nil {
		return fmt.Errorf("typed deserializer: %w", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		return fmt.Errorf("typed deserializer (-want +got):\n%s", diff)
	}
	return nil
}

// checkGeneric compares what a generic-free deserializer read (maps and slices), as JSON,
// with the expected value.
func checkGeneric(ctx context.Context, c interopCase, deserialize func(context.Context, []byte, []serde.Header) (any, serde.SchemaID, error),
	payload []byte, headers []serde.Header) error {
	v, _, err := deserialize(ctx, payload, headers)
	if err != nil {
		return fmt.Errorf("generic deserializer: %w", err)
	}
	got, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var gotValue, wantValue any
	if err := json.Unmarshal(got, &gotValue); err != nil {
		return err
	}
	if err := json.Unmarshal(c.Expected, &wantValue); err != nil {
		return err
	}
	if diff := cmp.Diff(wantValue, gotValue); diff != "" {
		return fmt.Errorf("generic deserializer, as JSON (-want +got):\n%s", diff)
	}
	return nil
}

func expectedAs[T any](c interopCase) (T, error) {
	var v T
	err := json.Unmarshal(c.Expected, &v)
	return v, err
}

// expectedMessage is a case's expected value as a message of the test's compiled files.
func expectedMessage(env interopEnv, c interopCase) (*dynamicpb.Message, error) {
	d, err := env.files.AsResolver().FindDescriptorByName(protoreflect.FullName(c.Message))
	if err != nil {
		return nil, err
	}
	md, ok := d.(protoreflect.MessageDescriptor)
	if !ok {
		return nil, fmt.Errorf("%s is not a message", c.Message)
	}
	m := dynamicpb.NewMessage(md)
	return m, protojson.Unmarshal(c.Expected, m)
}

// compileInteropProtos compiles the test's .proto files, in memory.
func compileInteropProtos(t *testing.T) linker.Files {
	t.Helper()
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		ImportPaths: []string{filepath.Join("testdata", "serde")}})}
	files, err := c.Compile(context.Background(), "interop.proto")
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// writeDescriptorSet writes the files and their imports, dependencies first, as a
// FileDescriptorSet: the clients build their message classes from it.
func writeDescriptorSet(t *testing.T, path string, files linker.Files) {
	t.Helper()
	set := &descriptorpb.FileDescriptorSet{}
	seen := map[string]bool{}
	var add func(fd protoreflect.FileDescriptor)
	add = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		for i := range fd.Imports().Len() {
			add(fd.Imports().Get(i).FileDescriptor)
		}
		set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
	}
	for _, f := range files {
		add(f)
	}
	bin, err := proto.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bin, 0o644); err != nil {
		t.Fatal(err)
	}
}
