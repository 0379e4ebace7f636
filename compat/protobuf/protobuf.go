package protobuf

import (
	"context"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// protobufBundled holds the files Confluent resolves without references besides the
// google/protobuf ones (ProtobufSchema.KNOWN_DEPENDENCIES): its own confluent/meta.proto,
// confluent/type/decimal.proto and confluent/type/variant.proto (copied from
// confluentinc/schema-registry protobuf-types), and googleapis' google/type/*.proto
// (Apache-2.0, copied from googleapis-common-protos 1.76.0 with their license headers).
//
//go:embed bundled
var protobufBundled embed.FS

// protobufMainFile is the name the schema being parsed is compiled under.
const protobufMainFile = "schema.proto"

// Schema is a parsed Protobuf schema: its diff model and the texts Confluent serves.
// It is immutable and safe for concurrent use.
type Schema struct {
	file      *pbFile
	canonical string
	// formats holds the schema's text in the other named formats ("serialized" and
	// "ignore_extensions"), served by Confluent's format query parameter.
	formats map[string]string
}

// Dependency is a schema the parsed schema imports, already resolved by the caller.
// A dependency's own dependencies come earlier in the list.
type Dependency struct {
	Name   string // the reference name: the file name the schema imports
	Type   string // the dependency's schema type as Confluent names it; only "PROTOBUF" is accepted
	Schema string // the dependency's schema text as stored
}

// Canonical returns the text Confluent would store: the schema printed the way Confluent's
// ProtobufSchemaUtils prints Square Wire's file element (normalised when parsed with normalize).
func (p *Schema) Canonical() string { return p.canonical }

// Format returns the schema's text in a named format: "serialized" (the base64
// FileDescriptorProto) or "ignore_extensions"; other names report false.
func (p *Schema) Format(name string) (string, bool) {
	text, ok := p.formats[name]
	return text, ok
}

// HasTopLevelField is Confluent's ProtobufSchema.hasTopLevelField: a field (not a oneof
// member) of any top-level message has that name.
func (p *Schema) HasTopLevelField(name string) bool {
	for _, m := range p.file.messages {
		for _, f := range m.fields {
			if f.name == name {
				return true
			}
		}
	}
	return false
}

// Parse compiles text (or a base64 FileDescriptorProto) with its dependencies.
func Parse(text string, deps []Dependency, normalize bool) (s *Schema, err error) {
	defer func() {
		if r := recover(); r != nil { // a bug; never crash the registry over one schema
			s, err = nil, fmt.Errorf("protobuf: internal error: %v", r)
		}
	}()
	files := map[string]string{}
	if err := addProtobufBundled(files); err != nil {
		return nil, err
	}
	for _, d := range deps {
		if d.Type != "PROTOBUF" {
			return nil, fmt.Errorf("reference %q is of type %s, not PROTOBUF", d.Name, d.Type)
		}
		files[d.Name] = protobufSourceText(d.Schema, files)
	}
	main := protobufMainFile
	for _, taken := files[main]; taken; _, taken = files[main] {
		main = "_" + main
	}
	files[main] = protobufSourceText(text, files)
	res, err := compileProtobuf(files, main)
	if err != nil {
		return nil, err
	}
	model := buildPBFile(res, protobufRefs(res, deps))
	canonical := printProtobuf(res, pbPrintOptions{normalize: normalize})
	ignoreExt := printProtobuf(res, pbPrintOptions{normalize: normalize, ignoreExtensions: true})
	fdp := protodesc.ToFileDescriptorProto(res)
	fdp.Name = proto.String("default") // Confluent's DynamicSchema name
	fdp.SourceCodeInfo = nil
	bin, err := proto.MarshalOptions{Deterministic: true}.Marshal(fdp)
	if err != nil {
		return nil, err
	}
	return &Schema{
		file:      model,
		canonical: canonical,
		formats: map[string]string{
			"serialized":        base64.StdEncoding.EncodeToString(bin),
			"ignore_extensions": ignoreExt,
		},
	}, nil
}

// addProtobufBundled adds Confluent's bundled files that the caller did not provide.
func addProtobufBundled(files map[string]string) error {
	return fs.WalkDir(protobufBundled, "bundled", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(path, "bundled/")
		if _, ok := files[name]; ok {
			return nil
		}
		data, err := protobufBundled.ReadFile(path)
		files[name] = string(data)
		return err
	})
}

// compileProtobuf compiles main from files; the error names line and column.
func compileProtobuf(files map[string]string, main string) (res linker.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("protobuf parser failure: %v", r)
		}
	}()
	var first error
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(files),
		}),
		RetainASTs:     true,
		MaxParallelism: 1,
		Reporter: reporter.NewReporter(func(e reporter.ErrorWithPos) error {
			if first == nil {
				first = e
			}
			return e
		}, nil),
	}
	out, err := c.Compile(context.Background(), main)
	if first != nil {
		if pbToleratedError(first) {
			return compileProtobufTolerant(files, main)
		}
		return nil, first
	}
	if err != nil {
		return nil, err
	}
	r, ok := out[0].(linker.Result)
	if !ok || r.AST() == nil {
		return nil, errors.New("protobuf: no syntax tree for the schema")
	}
	return r, nil
}

// protobufSourceText returns text as .proto source: a base64 FileDescriptorProto (what
// confluent-kafka for Python registers) is printed as .proto text, anything else is kept.
// files are the sources its imports resolve to (for custom options).
func protobufSourceText(text string, files map[string]string) string {
	fdp, bin, ok := decodeProtobufDescriptor(text)
	if !ok {
		return text
	}
	if types := descriptorExtensionTypes(fdp, files); types != nil {
		var again descriptorpb.FileDescriptorProto
		if err := (proto.UnmarshalOptions{Resolver: types}).Unmarshal(bin, &again); err == nil {
			fdp = &again
		}
	}
	return descriptorToProto(fdp)
}

// decodeProtobufDescriptor reports whether text is base64 of a FileDescriptorProto. Such
// text is never valid .proto source (a lone identifier is a syntax error).
func decodeProtobufDescriptor(text string) (*descriptorpb.FileDescriptorProto, []byte, bool) {
	t := strings.TrimSpace(text)
	if t == "" || strings.ContainsFunc(t, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '=')
	}) {
		return nil, nil, false
	}
	bin, err := base64.StdEncoding.DecodeString(t)
	if err != nil {
		return nil, nil, false
	}
	var fdp descriptorpb.FileDescriptorProto
	if err := proto.Unmarshal(bin, &fdp); err != nil || len(fdp.ProtoReflect().GetUnknown()) > 0 {
		return nil, nil, false
	}
	return &fdp, bin, true
}

// descriptorExtensionTypes compiles the descriptor's imports and returns their extensions,
// so that custom options in the descriptor can be decoded; nil when there are none.
func descriptorExtensionTypes(fdp *descriptorpb.FileDescriptorProto, files map[string]string) *protoregistry.Types {
	if len(fdp.GetDependency()) == 0 {
		return nil
	}
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(files),
		}),
		MaxParallelism: 1,
	}
	compiled, err := c.Compile(context.Background(), fdp.GetDependency()...)
	if err != nil {
		return nil
	}
	types := &protoregistry.Types{}
	for _, f := range compiled {
		for _, xd := range collectExtensions(f) {
			_ = types.RegisterExtension(dynamicpb.NewExtensionType(xd))
		}
	}
	return types
}

// protobufRefs gives each file of the compilation its reference identity: the main file
// is "" (Confluent's dummy reference), a direct reference is its name and text (standing in
// for subject and version), other files (transitive, bundled, well-known) have none (nil),
// which Confluent treats as "always compare".
func protobufRefs(res linker.Result, deps []Dependency) map[string]*string {
	refs := map[string]*string{res.Path(): new(string)}
	direct := map[string]bool{}
	imports := res.Imports()
	for i := 0; i < imports.Len(); i++ {
		direct[imports.Get(i).Path()] = true
	}
	for _, d := range deps {
		if direct[d.Name] {
			id := d.Name + "\x00" + d.Schema
			refs[d.Name] = &id
		}
	}
	return refs
}
