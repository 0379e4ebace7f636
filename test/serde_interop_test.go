package test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/jsonschema"
	"github.com/accord-registry/accord/serde/protobuf"
)

// Records written by Accord's Go serializers are read by Confluent's Python and JavaScript
// deserializers, and the other way round, against one running Accord. The Go test writes
// its records and a manifest of the cases (topic, format, expected value) into a directory;
// the client script checks every Go record, writes its own records for the same cases, and
// the Go test checks those. The values are compared as JSON: Avro and JSON Schema values as
// they are, Protobuf messages in the proto3 JSON mapping with the .proto field names.

// interopCase is one value both sides write and read.
type interopCase struct {
	Name     string          `json:"name"`
	Format   string          `json:"format"` // avro, json, protobuf
	Topic    string          `json:"topic"`
	Message  string          `json:"message,omitempty"` // Protobuf: full name of the message
	Header   bool            `json:"header"`            // the GUID travels in a record header
	Expected json.RawMessage `json:"expected"`
}

// interopRecord is one serialized record.
type interopRecord struct {
	Name    string      `json:"name"`
	Payload string      `json:"payload"` // base64
	Headers [][2]string `json:"headers"` // key, base64 value
}

// interopManifest is what the Go side hands the client script.
type interopManifest struct {
	Descriptors string          `json:"descriptors"` // FileDescriptorSet file for the Protobuf cases
	Cases       []interopCase   `json:"cases"`
	Go          []interopRecord `json:"go"`
}

const interopAvro = `{"type":"record","name":"Payment","namespace":"accord.interop","fields":[
	{"name":"id","type":"string"},
	{"name":"amount","type":"double"},
	{"name":"attempts","type":"int"},
	{"name":"at","type":"long"},
	{"name":"currency","type":{"type":"enum","name":"Currency","symbols":["EUR","USD"]}},
	{"name":"note","type":["null","string"],"default":null},
	{"name":"tags","type":{"type":"array","items":"string"}}]}`

type interopPayment struct {
	ID       string   `avro:"id" json:"id"`
	Amount   float64  `avro:"amount" json:"amount"`
	Attempts int32    `avro:"attempts" json:"attempts"`
	At       int64    `avro:"at" json:"at"`
	Currency string   `avro:"currency" json:"currency"`
	Note     *string  `avro:"note" json:"note"`
	Tags     []string `avro:"tags" json:"tags"`
}

const interopJSONSchema = `{"title":"Signup","type":"object","properties":{
	"email":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}},
	"required":["email"]}`

type interopSignup struct {
	Email string   `json:"email"`
	Age   int      `json:"age"`
	Tags  []string `json:"tags"`
}

func interopCases(protobufToo bool) []interopCase {
	note := "first try"
	payment, _ := json.Marshal(interopPayment{ID: "p-1", Amount: 12.5, Attempts: 2, At: 1_763_856_000_123, Currency: "USD", Note: &note, Tags: []string{"a", "b"}})
	signup, _ := json.Marshal(interopSignup{Email: "ada@example.com", Age: 36, Tags: []string{"beta"}})
	cases := []interopCase{
		{Name: "avro", Format: "avro", Topic: "interop-avro", Expected: payment},
		{Name: "avro-guid-header", Format: "avro", Topic: "interop-avro-guid", Header: true, Expected: payment},
		{Name: "json", Format: "json", Topic: "interop-json", Expected: signup},
	}
	if protobufToo {
		cases = append(cases,
			interopCase{Name: "protobuf-order", Format: "protobuf", Topic: "interop-order", Message: "accord.interop.Order",
				Expected: json.RawMessage(`{"id":"42","customer":"grace","total":99.5,"tags":["x"],"shipping":{"street":"1 Main St","city":"Lyon"},"placed_at":"2026-11-23T10:00:00Z"}`)},
			interopCase{Name: "protobuf-nested", Format: "protobuf", Topic: "interop-parcel", Message: "accord.interop.Shipment.Parcel",
				Expected: json.RawMessage(`{"tracking":"XY-1","weight":1.5}`)},
			interopCase{Name: "protobuf-nested-guid-header", Format: "protobuf", Topic: "interop-parcel-guid", Header: true, Message: "accord.interop.Shipment.Parcel",
				Expected: json.RawMessage(`{"tracking":"XY-2","weight":2.5}`)},
		)
	}
	return cases
}

func TestSerdeInteropPython(t *testing.T) {
	python := filepath.Join("clients", "python", ".venv", "bin", "python")
	if _, err := os.Stat(python); err != nil {
		missingClient(t, python)
	}
	runInterop(t, true, python, filepath.Join("clients", "python", "serde_interop.py"))
}

func TestSerdeInteropNode(t *testing.T) {
	if _, err := os.Stat(filepath.Join("clients", "node", "node_modules", "@confluentinc", "schemaregistry")); err != nil {
		missingClient(t, "node_modules of test/clients/node")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missingClient(t, "node")
	}
	runInterop(t, false, node, filepath.Join("clients", "node", "serde_interop.mjs"))
}

// runInterop writes Go's records, runs the client script, and reads the client's records.
func runInterop(t *testing.T, protobufToo bool, interpreter, script string) {
	s := startServer(t, serverOptions{})
	client := serde.NewClient(newSRClient(t, s.URL))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	files := compileInteropProtos(t)
	m := interopManifest{Descriptors: filepath.Join(dir, "descriptors.bin"), Cases: interopCases(protobufToo)}
	writeDescriptorSet(t, m.Descriptors, files)
	for _, c := range m.Cases {
		rec, err := writeInterop(ctx, client, files, c)
		if err != nil {
			t.Fatalf("%s: Go serializer: %v", c.Name, err)
		}
		m.Go = append(m.Go, rec)
	}
	manifest, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, interpreter, script, s.URL, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(interpreter), script, err, out)
	}
	t.Logf("%s", out)
	if want := fmt.Sprintf("serde interop: read %d Go records, wrote %d", len(m.Cases), len(m.Cases)); !strings.Contains(string(out), want) {
		t.Fatalf("the script did not check every case: want %q in its output", want)
	}
	var theirs []interopRecord
	raw, err := os.ReadFile(filepath.Join(dir, "client.json"))
	if err == nil {
		err = json.Unmarshal(raw, &theirs)
	}
	if err != nil || len(theirs) != len(m.Cases) {
		t.Fatalf("client records: %d, %v; want %d", len(theirs), err, len(m.Cases))
	}
	for i, c := range m.Cases {
		got, err := readInterop(ctx, client, c, theirs[i])
		if err != nil {
			t.Errorf("%s: Go deserializer on the client's record: %v", c.Name, err)
			continue
		}
		if !jsonEqual(got, c.Expected) {
			t.Errorf("%s: Go read %s from the client's record, want %s", c.Name, got, c.Expected)
		}
	}
}

// compileInteropProtos compiles the test's .proto files as both sides know them.
func compileInteropProtos(t *testing.T) linker.Files {
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		ImportPaths: []string{filepath.Join("testdata", "serde")}})}
	files, err := c.Compile(context.Background(), "interop.proto")
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// writeDescriptorSet writes the files and their imports, dependencies first, as Python
// builds message classes from them.
func writeDescriptorSet(t *testing.T, path string, files linker.Files) {
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

func idFormat(c interopCase) []serde.Option {
	if c.Header {
		return []serde.Option{serde.WithIDFormat(serde.HeaderGUID)}
	}
	return nil
}

// writeInterop serializes a case's expected value with Accord's serializers.
func writeInterop(ctx context.Context, client *serde.Client, files linker.Files, c interopCase) (interopRecord, error) {
	var payload []byte
	var headers []serde.Header
	var err error
	switch c.Format {
	case "avro":
		var v interopPayment
		if err := json.Unmarshal(c.Expected, &v); err != nil {
			return interopRecord{}, err
		}
		ser, err := avro.NewSerializer[interopPayment](client, interopAvro, idFormat(c)...)
		if err != nil {
			return interopRecord{}, err
		}
		payload, headers, err = ser.SerializeWithHeaders(ctx, c.Topic, v, nil)
	case "json":
		var v interopSignup
		if err := json.Unmarshal(c.Expected, &v); err != nil {
			return interopRecord{}, err
		}
		ser, err := jsonschema.NewSerializer[interopSignup](client, interopJSONSchema, append(idFormat(c), serde.Validate())...)
		if err != nil {
			return interopRecord{}, err
		}
		payload, headers, err = ser.SerializeWithHeaders(ctx, c.Topic, v, nil)
	case "protobuf":
		d, err := files.AsResolver().FindDescriptorByName(protoreflect.FullName(c.Message))
		if err != nil {
			return interopRecord{}, err
		}
		md := d.(protoreflect.MessageDescriptor)
		m := dynamicpb.NewMessage(md)
		if err := protojson.Unmarshal(c.Expected, m); err != nil {
			return interopRecord{}, err
		}
		ser, err := protobuf.NewDynamicSerializer(client, idFormat(c)...)
		if err != nil {
			return interopRecord{}, err
		}
		payload, headers, err = ser.SerializeWithHeaders(ctx, c.Topic, m, nil)
	}
	if err != nil {
		return interopRecord{}, err
	}
	rec := interopRecord{Name: c.Name, Payload: base64.StdEncoding.EncodeToString(payload), Headers: [][2]string{}}
	for _, h := range headers {
		rec.Headers = append(rec.Headers, [2]string{h.Key, base64.StdEncoding.EncodeToString(h.Value)})
	}
	return rec, nil
}

// readInterop deserializes a client's record with Accord's deserializers, as JSON.
func readInterop(ctx context.Context, client *serde.Client, c interopCase, rec interopRecord) ([]byte, error) {
	payload, err := base64.StdEncoding.DecodeString(rec.Payload)
	if err != nil {
		return nil, err
	}
	var headers []serde.Header
	for _, h := range rec.Headers {
		v, err := base64.StdEncoding.DecodeString(h[1])
		if err != nil {
			return nil, err
		}
		headers = append(headers, serde.Header{Key: h[0], Value: v})
	}
	switch c.Format {
	case "avro":
		de, err := avro.NewGenericDeserializer(client)
		if err != nil {
			return nil, err
		}
		v, _, err := de.Deserialize(ctx, payload, headers)
		if err != nil {
			return nil, err
		}
		return json.Marshal(v)
	case "json":
		de, err := jsonschema.NewGenericDeserializer(client, serde.Validate())
		if err != nil {
			return nil, err
		}
		v, _, err := de.Deserialize(ctx, payload, headers)
		if err != nil {
			return nil, err
		}
		return json.Marshal(v)
	case "protobuf":
		de, err := protobuf.NewDynamicDeserializer(client)
		if err != nil {
			return nil, err
		}
		m, _, err := de.Deserialize(ctx, payload, headers)
		if err != nil {
			return nil, err
		}
		if got := string(m.Descriptor().FullName()); got != c.Message {
			return nil, fmt.Errorf("the record's indexes name %s, want %s", got, c.Message)
		}
		return protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	}
	return nil, fmt.Errorf("unknown format %q", c.Format)
}

func newSRClient(t *testing.T, url string) *sr.Client {
	cl, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// jsonEqual compares two JSON documents as values.
func jsonEqual(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}
