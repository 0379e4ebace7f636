package protobuf

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/accord-registry/accord/serde"
)

// DynamicDeserializer decodes records into *dynamicpb.Message, with the schema they were
// written with: no generated code needed. It is safe for concurrent use.
type DynamicDeserializer struct {
	r     *serde.Reader
	files serde.Memo[serde.SchemaID, protoreflect.FileDescriptor]
}

// NewDynamicDeserializer returns a deserializer into dynamic messages.
func NewDynamicDeserializer(c *serde.Client, opts ...serde.Option) (*DynamicDeserializer, error) {
	r, err := serde.NewReader(c, opts...)
	if err != nil {
		return nil, err
	}
	return &DynamicDeserializer{r: r}, nil
}

// Deserialize decodes a record into a dynamic message of the type its indexes name in the
// writer's schema, and returns it with the schema's id.
func (d *DynamicDeserializer) Deserialize(ctx context.Context, payload []byte, headers []serde.Header) (*dynamicpb.Message, serde.SchemaID, error) {
	id, indexes, body, err := d.r.Find(payload, headers, true)
	if err != nil {
		return nil, id, err
	}
	fd, ok := d.files.Load(id)
	if !ok {
		if fd, err = d.compile(ctx, id); err != nil {
			return nil, id, err
		}
	}
	md, err := messageAt(fd, indexes)
	if err != nil {
		return nil, id, fmt.Errorf("serde/protobuf: schema %v: %w", id, err)
	}
	m := dynamicpb.NewMessage(md)
	if err := unmarshal(body, m); err != nil {
		return nil, id, fmt.Errorf("serde/protobuf: decode a %s written with schema %v: %w", md.FullName(), id, err)
	}
	return m, id, nil
}

// messageAt follows a record's indexes through the file's messages.
func messageAt(fd protoreflect.FileDescriptor, indexes []int) (protoreflect.MessageDescriptor, error) {
	msgs := fd.Messages()
	var md protoreflect.MessageDescriptor
	for depth, i := range indexes {
		if i < 0 || i >= msgs.Len() {
			return nil, fmt.Errorf("message indexes %v: no message %d at depth %d (%d there)", indexes, i, depth, msgs.Len())
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	if md == nil {
		return nil, fmt.Errorf("message indexes %v name no message", indexes)
	}
	return md, nil
}

// mainFile is the name the writer's schema is compiled under when it is .proto text (a
// base64 descriptor carries its own name).
const mainFile = "accord-writer-schema.proto"

// compile builds the writer's file descriptor for id from its schema and references.
func (d *DynamicDeserializer) compile(ctx context.Context, id serde.SchemaID) (protoreflect.FileDescriptor, error) {
	ws, err := d.r.Schema(ctx, id)
	if err != nil {
		return nil, err
	}
	if ws.Type != sr.TypeProtobuf {
		return nil, fmt.Errorf("serde/protobuf: schema %v is %s, not Protobuf", id, ws.Type)
	}
	deps, err := d.r.Client().References(ctx, ws.References)
	if err != nil {
		return nil, err
	}
	sources := make(map[string]protocompile.SearchResult, len(deps)+1)
	for _, dep := range deps {
		sources[dep.Name] = searchResult(dep.Schema.Schema)
	}
	main := mainFile
	if fdp, ok := descriptor(ws.Schema); ok && fdp.GetName() != "" {
		main = fdp.GetName()
	}
	sources[main] = searchResult(ws.Schema)
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
			if r, ok := sources[path]; ok {
				return r, nil
			}
			return protocompile.SearchResult{}, fmt.Errorf("%s is not among the schema's references", path)
		})),
		MaxParallelism: 1,
	}
	files, err := c.Compile(ctx, main)
	if err != nil {
		return nil, fmt.Errorf("serde/protobuf: compile writer schema %v: %w", id, err)
	}
	d.files.Store(id, files[0])
	return files[0], nil
}

// searchResult gives protocompile a schema as the registry holds it: .proto text, or a
// base64 FileDescriptorProto (what Confluent's Python serializer registers).
func searchResult(text string) protocompile.SearchResult {
	if fdp, ok := descriptor(text); ok {
		return protocompile.SearchResult{Proto: fdp}
	}
	return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(text))}
}

// descriptor decodes text as a base64 FileDescriptorProto. .proto text never decodes: it
// has spaces, semicolons or braces, none of which are base64.
func descriptor(text string) (*descriptorpb.FileDescriptorProto, bool) {
	bin, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, false
	}
	var fdp descriptorpb.FileDescriptorProto
	if err := proto.Unmarshal(bin, &fdp); err != nil {
		return nil, false
	}
	return &fdp, true
}
