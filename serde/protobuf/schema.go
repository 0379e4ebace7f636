package protobuf

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/accord-registry/accord/serde"
)

// message is what a serializer needs to know about a message type, computed once.
type message struct {
	name    string // full name: the record name of the record name strategies
	indexes []int  // path through the file's messages
	file    protoreflect.FileDescriptor
}

func describe(md protoreflect.MessageDescriptor) *message {
	return &message{name: string(md.FullName()), indexes: indexesOf(md), file: md.ParentFile()}
}

// indexesOf is the path of md through its file: its index among the top-level messages,
// then among the nested messages of each enclosing message, outermost first.
func indexesOf(md protoreflect.MessageDescriptor) []int {
	var path []int
	for d := protoreflect.Descriptor(md); ; {
		m, ok := d.(protoreflect.MessageDescriptor)
		if !ok {
			break
		}
		path = append([]int{m.Index()}, path...)
		d = m.Parent()
	}
	return path
}

// builtin reports whether a file is one every registry already has, and which Confluent's
// serializers therefore never register.
func builtin(path string) bool {
	return strings.HasPrefix(path, "google/protobuf/") || strings.HasPrefix(path, "google/type/") || strings.HasPrefix(path, "confluent/")
}

// schemaText is a file's schema as registered: its FileDescriptorProto, base64.
func schemaText(fd protoreflect.FileDescriptor) (string, error) {
	bin, err := proto.MarshalOptions{Deterministic: true}.Marshal(protodesc.ToFileDescriptorProto(fd))
	if err != nil {
		return "", fmt.Errorf("serde/protobuf: encode the descriptor of %s: %w", fd.Path(), err)
	}
	return base64.StdEncoding.EncodeToString(bin), nil
}

// fileSchemas computes and remembers the registry schema of each file, registering (or,
// without auto-registration, looking up) the files it imports first.
type fileSchemas struct {
	client       *serde.Client
	autoRegister bool
	normalize    bool
	done         serde.Memo[string, sr.Schema]
}

// schema returns fd's schema with its references, which exist in the registry when it
// returns.
func (f *fileSchemas) schema(ctx context.Context, fd protoreflect.FileDescriptor) (sr.Schema, error) {
	return f.schemaAt(ctx, fd, 0)
}

func (f *fileSchemas) schemaAt(ctx context.Context, fd protoreflect.FileDescriptor, depth int) (sr.Schema, error) {
	if s, ok := f.done.Load(fd.Path()); ok {
		return s, nil
	}
	if depth > maxImportDepth {
		return sr.Schema{}, fmt.Errorf("serde/protobuf: imports of %s nested more than %d deep", fd.Path(), maxImportDepth)
	}
	text, err := schemaText(fd)
	if err != nil {
		return sr.Schema{}, err
	}
	s := sr.Schema{Schema: text, Type: sr.TypeProtobuf}
	for i := range fd.Imports().Len() {
		dep := fd.Imports().Get(i).FileDescriptor
		if builtin(dep.Path()) {
			continue
		}
		ref, err := f.reference(ctx, dep, depth+1)
		if err != nil {
			return sr.Schema{}, err
		}
		s.References = append(s.References, ref)
	}
	f.done.Store(fd.Path(), s)
	return s, nil
}

// reference makes sure dep is in the registry under the subject named by its path and
// returns the reference to it.
func (f *fileSchemas) reference(ctx context.Context, dep protoreflect.FileDescriptor, depth int) (sr.SchemaReference, error) {
	s, err := f.schemaAt(ctx, dep, depth)
	if err != nil {
		return sr.SchemaReference{}, err
	}
	subject := dep.Path()
	var r serde.Registered
	if f.autoRegister {
		r, err = f.client.Register(ctx, subject, s, f.normalize)
	} else {
		r, err = f.client.Lookup(ctx, subject, s, f.normalize)
	}
	if err != nil {
		return sr.SchemaReference{}, fmt.Errorf("serde/protobuf: reference %s: %w", subject, err)
	}
	return sr.SchemaReference{Name: dep.Path(), Subject: subject, Version: r.Version}, nil
}

// maxImportDepth bounds chains of imports.
const maxImportDepth = 64
