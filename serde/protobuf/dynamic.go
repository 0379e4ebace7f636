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
	r       *serde.Reader
	files   serde.Memo[serde.SchemaID, *writerFile]
	readers serde.Memo[int32, protoreflect.FileDescriptor] // reader versions compiled, by id, for migrated records
}

// writerFile is a writer's schema, compiled, with the rules each of its messages runs on
// read (they differ in subject under the record name strategies).
type writerFile struct {
	fd    protoreflect.FileDescriptor
	rules serde.Memo[protoreflect.FullName, *serde.ReadRules]
}

// NewDynamicDeserializer returns a deserializer into dynamic messages.
func NewDynamicDeserializer(c *serde.Client, opts ...serde.Option) (*DynamicDeserializer, error) {
	r, err := serde.NewReader(c, opts...)
	if err != nil {
		return nil, err
	}
	r.SetFieldWalkers(walkers(r.Config()))
	return &DynamicDeserializer{r: r}, nil
}

// Deserialize decodes a record into a dynamic message of the type its indexes name in the
// writer's schema, and returns it with the schema's id.
func (d *DynamicDeserializer) Deserialize(ctx context.Context, payload []byte, headers []serde.Header) (*dynamicpb.Message, serde.SchemaID, error) {
	id, indexes, body, err := d.r.Find(payload, headers, true)
	if err != nil {
		return nil, id, err
	}
	wf, ok := d.files.Load(id)
	if !ok {
		if wf, err = d.compile(ctx, id); err != nil {
			return nil, id, err
		}
	}
	md, err := messageAt(wf.fd, indexes)
	if err != nil {
		return nil, id, fmt.Errorf("serde/protobuf: schema %v: %w", id, err)
	}
	var rr *serde.ReadRules
	if d.r.RunsRules() {
		if rr, err = d.rules(ctx, id, wf, md.FullName()); err != nil {
			return nil, id, err
		}
	}
	if rr.Encoding() {
		if body, err = d.r.RunEncoding(ctx, rr, body); err != nil {
			return nil, id, err
		}
	}
	m, mig, err := d.decode(ctx, id, rr, md, body)
	if err != nil {
		return nil, id, err
	}
	if rr.Domain() {
		if err := serde.ReadDomainAs(ctx, d.r, rr, mig, &m); err != nil {
			return nil, id, err
		}
	}
	return m, id, nil
}

// decode reads body as md, or, when the record must be migrated to the reader's version,
// as the reader's message. The migration is nil when the deserializer reads as no version
// of its own.
func (d *DynamicDeserializer) decode(ctx context.Context, id serde.SchemaID, rr *serde.ReadRules, md protoreflect.MessageDescriptor, body []byte) (*dynamicpb.Message, *serde.Migration, error) {
	var mig *serde.Migration
	if rr.Migrates() {
		var err error
		if mig, err = d.r.Migration(ctx, rr); err != nil {
			return nil, nil, err
		}
		if mig.Needed() {
			m, err := d.migrate(ctx, id, mig, md, body)
			return m, mig, err
		}
	}
	m := dynamicpb.NewMessage(md)
	if err := unmarshal(body, m); err != nil {
		return nil, nil, fmt.Errorf("serde/protobuf: decode a %s written with schema %v: %w", md.FullName(), id, err)
	}
	return m, mig, nil
}

// rules is what records of one message of a writer's schema run on read, found once.
func (d *DynamicDeserializer) rules(ctx context.Context, id serde.SchemaID, wf *writerFile, name protoreflect.FullName) (*serde.ReadRules, error) {
	if rr, ok := wf.rules.Load(name); ok {
		return rr, nil
	}
	rr, err := d.r.Rules(ctx, id, string(name))
	if err != nil {
		return nil, err
	}
	wf.rules.Store(name, rr)
	return rr, nil
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

// mainFile is the name a registered schema is compiled under when it is .proto text (a
// base64 descriptor carries its own name).
const mainFile = "accord-writer-schema.proto"

// compile builds the writer's file descriptor for id from its schema and references.
func (d *DynamicDeserializer) compile(ctx context.Context, id serde.SchemaID) (*writerFile, error) {
	fd, err := writerSchema(ctx, d.r, id)
	if err != nil {
		return nil, err
	}
	wf := &writerFile{fd: fd}
	d.files.Store(id, wf)
	return wf, nil
}

// writerSchema fetches and compiles the writer's schema for id.
func writerSchema(ctx context.Context, r *serde.Reader, id serde.SchemaID) (protoreflect.FileDescriptor, error) {
	ws, err := r.Schema(ctx, id)
	if err != nil {
		return nil, err
	}
	if ws.Type != sr.TypeProtobuf {
		return nil, fmt.Errorf("serde/protobuf: schema %v is %s, not Protobuf", id, ws.Type)
	}
	fd, err := compileSchema(ctx, r.Client(), ws)
	if err != nil {
		return nil, fmt.Errorf("serde/protobuf: compile writer schema %v: %w", id, err)
	}
	return fd, nil
}

// compileSchema builds the file descriptor of a registered schema and its references.
func compileSchema(ctx context.Context, c *serde.Client, s sr.Schema) (protoreflect.FileDescriptor, error) {
	deps, err := c.References(ctx, s.References)
	if err != nil {
		return nil, err
	}
	sources := make(map[string]protocompile.SearchResult, len(deps)+1)
	for _, dep := range deps {
		sources[dep.Name] = searchResult(dep.Schema.Schema)
	}
	main := mainFile
	if fdp, ok := descriptor(s.Schema); ok && fdp.GetName() != "" {
		main = fdp.GetName()
	}
	sources[main] = searchResult(s.Schema)
	compiler := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
			if r, ok := sources[path]; ok {
				return r, nil
			}
			if r, ok := bundled(path); ok {
				return r, nil
			}
			return protocompile.SearchResult{}, fmt.Errorf("%s is not among the schema's references", path)
		})),
		MaxParallelism: 1,
	}
	files, err := compiler.Compile(ctx, main)
	if err != nil {
		return nil, err
	}
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
