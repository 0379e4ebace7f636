package protobuf

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/accord-registry/accord/serde"
)

// Migrations run as in Confluent's Go client: the record is decoded with the writer's
// message into a dynamic message, turned into its protobuf JSON (ToJSONTree), migrated,
// and read from protobuf JSON (FromJSONTree) as the reader's message: the deserializer's
// generated type, or for the dynamic deserializer the reader version's message of the
// writer's full name, else the first message of the reader's schema (Confluent's
// toMessageName). A field the reader's message does not have is an error of protobuf JSON.

// migrateTree decodes body as md, the writer's message, and returns its tree migrated
// along m.
func migrateTree(ctx context.Context, r *serde.Reader, id serde.SchemaID, m *serde.Migration, md protoreflect.MessageDescriptor, body []byte) (any, error) {
	w := dynamicpb.NewMessage(md)
	if err := unmarshal(body, w); err != nil {
		return nil, fmt.Errorf("serde/protobuf: decode a %s written with schema %v: %w", md.FullName(), id, err)
	}
	tree, err := ToJSONTree(w)
	if err != nil {
		return nil, err
	}
	return r.Migrate(ctx, m, tree)
}

// readMigrated reads a migrated tree into into, the reader's message.
func readMigrated(id serde.SchemaID, m *serde.Migration, tree any, into proto.Message) error {
	if err := FromJSONTree(tree, into); err != nil {
		return fmt.Errorf("serde/protobuf: read a record written with schema %v as version %d of %s: %w", id, m.Reader.Version, m.Subject, err)
	}
	return nil
}

// migrate reads a record written with another version than the reader's into v, then runs
// the reader's domain rules on it. payload and headers give the writer's message indexes,
// which the typed path does not otherwise read.
func (d *Deserializer[T]) migrate(ctx context.Context, id serde.SchemaID, rr *serde.ReadRules, m *serde.Migration, payload []byte, headers []serde.Header, body []byte, v T) error {
	fd, ok := d.writers.Load(id)
	if !ok {
		var err error
		if fd, err = writerSchema(ctx, d.r, id); err != nil {
			return err
		}
		d.writers.Store(id, fd)
	}
	_, indexes, _, err := d.r.Find(payload, headers, true)
	if err != nil {
		return err
	}
	md, err := messageAt(fd, indexes)
	if err != nil {
		return fmt.Errorf("serde/protobuf: schema %v: %w", id, err)
	}
	tree, err := migrateTree(ctx, d.r, id, m, md, body)
	if err != nil {
		return err
	}
	if err := readMigrated(id, m, tree, v); err != nil {
		return err
	}
	return readRules(ctx, d.r, rr, m, v)
}

// migrate reads a record of md, written with another version than the reader's, as the
// reader version's message.
func (d *DynamicDeserializer) migrate(ctx context.Context, id serde.SchemaID, m *serde.Migration, md protoreflect.MessageDescriptor, body []byte) (*dynamicpb.Message, error) {
	tree, err := migrateTree(ctx, d.r, id, m, md, body)
	if err != nil {
		return nil, err
	}
	reader, err := d.readerFile(ctx, m.Reader)
	if err != nil {
		return nil, err
	}
	out := dynamicpb.NewMessage(readerMessage(reader, md.FullName()))
	if err := readMigrated(id, m, tree, out); err != nil {
		return nil, err
	}
	return out, nil
}

// readerFile compiles a reader version's schema once.
func (d *DynamicDeserializer) readerFile(ctx context.Context, reader serde.Registered) (protoreflect.FileDescriptor, error) {
	if fd, ok := d.readers.Load(reader.ID); ok {
		return fd, nil
	}
	fd, err := compileSchema(ctx, d.r.Client(), reader.Schema)
	if err != nil {
		return nil, fmt.Errorf("serde/protobuf: compile version %d of %s: %w", reader.Version, reader.Subject, err)
	}
	if fd.Messages().Len() == 0 {
		return nil, fmt.Errorf("serde/protobuf: version %d of %s has no message", reader.Version, reader.Subject)
	}
	d.readers.Store(reader.ID, fd)
	return fd, nil
}

// readerMessage is the top-level message of the reader's file named name, else its first.
func readerMessage(fd protoreflect.FileDescriptor, name protoreflect.FullName) protoreflect.MessageDescriptor {
	msgs := fd.Messages()
	for i := range msgs.Len() {
		if msgs.Get(i).FullName() == name {
			return msgs.Get(i)
		}
	}
	return msgs.Get(0)
}
