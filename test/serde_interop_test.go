package test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
)

// Records written by Accord's Go serializers are read by Confluent's Python and JavaScript
// deserializers, and the other way round, through one running Accord. The Go test writes
// a manifest (the cases, with Go's records) into a directory; the client script reads and
// checks every Go record, then writes the same values with its own serializers, which
// register their schemas on topics of their own; the Go test reads and checks those. Each
// side compares field by field and says what differed.

// interopRecord is one serialized record, as the manifest and client.json carry it.
type interopRecord struct {
	Name    string      `json:"name"`
	Payload string      `json:"payload"` // base64
	Headers [][2]string `json:"headers"` // key, base64 value
}

// interopManifest is what the Go side hands the client script.
type interopManifest struct {
	Descriptors string          `json:"descriptors"` // FileDescriptorSet of the Protobuf cases
	Cases       []interopCase   `json:"cases"`
	Go          []interopRecord `json:"go"`
}

func TestSerdeInteropPython(t *testing.T) {
	t.Parallel() // waits on the client script
	python := pythonClient(t)
	runInterop(t, "python", python, filepath.Join("clients", "python", "serde_interop.py"))
}

func TestSerdeInteropNode(t *testing.T) {
	t.Parallel() // waits on the client script
	node := nodeClient(t)
	runInterop(t, "node", node, filepath.Join("clients", "node", "serde_interop.mjs"))
}

// runInterop writes Go's records, runs the client script, and checks the client's records.
func runInterop(t *testing.T, client, interpreter, script string) {
	s := startServer(t, serverOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srClient := newSRClient(t, s.URL)
	registerInteropReferences(ctx, t, srClient)
	env := interopEnv{client: serde.NewClient(srClient), files: compileInteropProtos(t)}
	dir := t.TempDir()
	m := interopManifest{Descriptors: filepath.Join(dir, "descriptors.bin"), Cases: interopCases(t, client)}
	writeDescriptorSet(t, m.Descriptors, env.files)
	for _, c := range m.Cases {
		payload, headers, err := c.codec.write(ctx, env, c)
		if err != nil {
			t.Fatalf("%s: Go serializer: %v", c.Name, err)
		}
		if err := checkWire(c, payload, headers); err != nil {
			t.Errorf("%s: Go's record: %v", c.Name, err)
		}
		m.Go = append(m.Go, encodeRecord(c.Name, payload, headers))
	}
	theirs := runInteropScript(ctx, t, interpreter, script, s.URL, dir, m)
	for i, c := range m.Cases {
		if err := checkClientRecord(ctx, env, c, theirs[i]); err != nil {
			t.Errorf("%s: the %s record: %v", c.Name, client, err)
		}
	}
	checkInteropSubjects(ctx, t, srClient, m.Cases)
}

// registerInteropReferences registers the schemas the Avro and JSON cases reference: as
// with Confluent's serializers, a reference must exist before a schema can use it.
func registerInteropReferences(ctx context.Context, t *testing.T, cl *sr.Client) {
	t.Helper()
	for subject, s := range map[string]sr.Schema{
		interopMoneySubject:   {Schema: readInteropSchema(t, "money.avsc"), Type: sr.TypeAvro},
		interopAddressSubject: {Schema: readInteropSchema(t, "address.json"), Type: sr.TypeJSON},
	} {
		if _, err := cl.CreateSchema(ctx, subject, s); err != nil {
			t.Fatalf("register %s: %v", subject, err)
		}
	}
}

// runInteropScript writes the manifest, runs the script, and returns the records it wrote,
// one per case, in the order of the cases.
func runInteropScript(ctx context.Context, t *testing.T, interpreter, script, url, dir string, m interopManifest) []interopRecord {
	t.Helper()
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, interpreter, script, url, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(interpreter), script, err, out)
	}
	t.Logf("%s", out)
	if want := fmt.Sprintf("serde interop: %d values checked, %d written", len(m.Cases), len(m.Cases)); !strings.Contains(string(out), want) {
		t.Fatalf("the script did not go through every case: want %q in its output", want)
	}
	var theirs []interopRecord
	raw, err := os.ReadFile(filepath.Join(dir, "client.json"))
	if err == nil {
		err = json.Unmarshal(raw, &theirs)
	}
	if err != nil {
		t.Fatalf("the script's records: %v", err)
	}
	for i, c := range m.Cases {
		if i >= len(theirs) || theirs[i].Name != c.Name {
			t.Fatalf("the script's records: %d, want one per case in order (%s at %d)", len(theirs), c.Name, i)
		}
	}
	return theirs
}

// checkClientRecord checks a client's record: where it carries its schema id, and the value
// Accord's deserializers read from it. (Bodies are not compared with Go's: neither Avro,
// whose arrays and maps may be written in blocks of any size, nor Protobuf, whose fields
// may come in any order, has a single encoding of a value.)
func checkClientRecord(ctx context.Context, env interopEnv, c interopCase, theirs interopRecord) error {
	payload, headers, err := decodeRecord(theirs)
	if err != nil {
		return err
	}
	if err := checkWire(c, payload, headers); err != nil {
		return err
	}
	return c.codec.read(ctx, env, c, payload, headers)
}

// checkWire checks where a record carries its schema id and, for Protobuf, the message
// indexes.
func checkWire(c interopCase, payload []byte, headers []serde.Header) error {
	hasHeader := slices.ContainsFunc(headers, func(h serde.Header) bool { return h.Key == serde.ValueHeader })
	if hasHeader != c.Header {
		return fmt.Errorf("schema id header present: %v, want %v (headers %v)", hasHeader, c.Header, headers)
	}
	id, indexes, _, err := serde.Decode(payload, headers, false, c.Format == "protobuf")
	if err != nil {
		return err
	}
	if id.IsGUID != c.Header {
		return fmt.Errorf("schema id %+v: a GUID is %v, want %v", id, id.IsGUID, c.Header)
	}
	if !slices.Equal(indexes, c.indexes) {
		return fmt.Errorf("message indexes %v, want %v", indexes, c.indexes)
	}
	return nil
}

// checkInteropSubjects checks what both sides registered: for Protobuf the imported file
// under its path, once (Go, Python and Node send its descriptor in base64, which the
// registry stores as one schema), and no subject for google/protobuf/timestamp.proto; and
// for each case, a subject per topic (TopicNameStrategy) holding the same schema with the
// references the case expects.
func checkInteropSubjects(ctx context.Context, t *testing.T, cl *sr.Client, cases []interopCase) {
	t.Helper()
	subjects, err := cl.Subjects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subjects {
		if strings.HasPrefix(s, "google/") {
			t.Errorf("subject %s registered: well-known types are not references", s)
		}
	}
	if versions, err := cl.SubjectVersions(ctx, interopCommonProto); err != nil || len(versions) != 1 {
		t.Errorf("subject %s: versions %v, %v; want one, registered by the first writer", interopCommonProto, versions, err)
	}
	for _, c := range cases {
		if err := checkCaseSubjects(ctx, cl, c); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
	}
}

// checkCaseSubjects checks that the Go and the client serializer registered the same
// schema, with the expected references, on the subjects of their topics.
func checkCaseSubjects(ctx context.Context, cl *sr.Client, c interopCase) error {
	var ids []int
	for _, topic := range []string{c.Topic, c.ClientTopic} {
		latest, err := cl.SchemaByVersion(ctx, topic+"-value", -1)
		if err != nil {
			return fmt.Errorf("subject %s-value: %w", topic, err)
		}
		var names []string
		for _, r := range latest.References {
			names = append(names, r.Name)
		}
		if diff := cmp.Diff(c.refNames, names); diff != "" {
			return fmt.Errorf("references of %s-value (-want +got):\n%s", topic, diff)
		}
		ids = append(ids, latest.ID)
	}
	if ids[0] != ids[1] {
		return fmt.Errorf("subjects %s-value and %s-value hold schemas %d and %d, want one schema", c.Topic, c.ClientTopic, ids[0], ids[1])
	}
	return nil
}

func encodeRecord(name string, payload []byte, headers []serde.Header) interopRecord {
	rec := interopRecord{Name: name, Payload: base64.StdEncoding.EncodeToString(payload), Headers: [][2]string{}}
	for _, h := range headers {
		rec.Headers = append(rec.Headers, [2]string{h.Key, base64.StdEncoding.EncodeToString(h.Value)})
	}
	return rec
}

func decodeRecord(rec interopRecord) ([]byte, []serde.Header, error) {
	payload, err := base64.StdEncoding.DecodeString(rec.Payload)
	if err != nil {
		return nil, nil, fmt.Errorf("payload: %w", err)
	}
	var headers []serde.Header
	for _, h := range rec.Headers {
		v, err := base64.StdEncoding.DecodeString(h[1])
		if err != nil {
			return nil, nil, fmt.Errorf("header %s: %w", h[0], err)
		}
		headers = append(headers, serde.Header{Key: h[0], Value: v})
	}
	return payload, headers, nil
}

func newSRClient(t *testing.T, url string) *sr.Client {
	cl, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		t.Fatal(err)
	}
	return cl
}
