package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestQuickDecodedStringsOutliveTheBody: the strings the quick decoder returns are its own,
// not views of the body, whose pooled buffer the next request overwrites.
func TestQuickDecodedStringsOutliveTheBody(t *testing.T) {
	body := []byte(`{"schema":"{\"type\":\"string\",\"doc\":\"caf\u00e9 \\u00e9\"}","schemaType":"AVRO","references":[]}`)
	r, ok := quickSchemaRequest(body)
	if !ok || r.Schema == nil || r.SchemaType == nil {
		t.Fatalf("quickSchemaRequest(%s) = %+v, %v", body, r, ok)
	}
	schema, schemaType := strings.Clone(*r.Schema), strings.Clone(*r.SchemaType)
	for i := range body {
		body[i] = 'x'
	}
	if *r.Schema != schema || *r.SchemaType != schemaType {
		t.Errorf("after the body was overwritten: schema %q, type %q; decoded %q, %q", *r.Schema, *r.SchemaType, schema, schemaType)
	}
}

// TestConcurrentRegistrationsKeepTheirTexts: registrations of texts of many lengths, from
// many clients at once, each through a pooled body buffer, store exactly the text each client
// sent: none shares a buffer a later request rewrote.
func TestConcurrentRegistrationsKeepTheirTexts(t *testing.T) {
	srv := serveHTTP(t, New(Config{Store: openTestStore(t), Logger: testLogger(t)}))
	const clients, each = 8, 25
	type registered struct {
		id  int
		doc string
	}
	got := make([][]registered, clients)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Go(func() {
			for i := range each {
				doc := fmt.Sprintf("client %d schema %d é %s", c, i, strings.Repeat("ab", (c*each+i)*37%400))
				id, err := registerDoc(srv.URL, fmt.Sprintf("s%d-%d", c, i), doc)
				if err != nil {
					errs <- err
					return
				}
				got[c] = append(got[c], registered{id, doc})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, rs := range got {
		for _, r := range rs {
			a, _ := do(t, "GET", fmt.Sprintf("%s/schemas/ids/%d", srv.URL, r.id), "", nil)
			var out struct{ Schema string }
			var schema struct{ Doc string }
			if err := json.Unmarshal([]byte(a.Body), &out); err != nil {
				t.Fatalf("schema %d: %v in %s", r.id, err, a.Body)
			}
			if err := json.Unmarshal([]byte(out.Schema), &schema); err != nil || schema.Doc != r.doc {
				t.Fatalf("schema %d has doc %q (%v); registered %q", r.id, schema.Doc, err, r.doc)
			}
		}
	}
}

// registerDoc registers an Avro record schema whose doc is doc and returns its id.
func registerDoc(base, subject, doc string) (int, error) {
	text, _ := json.Marshal(map[string]any{"type": "record", "name": "R", "doc": doc, "fields": []any{}})
	body, _ := json.Marshal(map[string]string{"schema": string(text)})
	resp, err := http.Post(base+"/subjects/"+subject+"/versions", "application/json", strings.NewReader(string(body)))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("register %s: %d %s %v", subject, resp.StatusCode, data, err)
	}
	var out struct{ ID int }
	err = json.Unmarshal(data, &out)
	return out.ID, err
}
