package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
)

// nestedAnyOf is the review's crafted JSON Schema: anyOf nested depth deep with 5 members at
// each level; its leaves, wrapped by leaf (one %d), carry distinct maxLength values, and the
// leaf numbered changed (-1: none) has its value lowered by one. Depth 6 is about 650 KB.
func nestedAnyOf(depth, changed int, leaf string) string {
	var b strings.Builder
	n := 0
	var walk func(d int)
	walk = func(d int) {
		if d == depth {
			v := 100000 + n
			if n == changed {
				v--
			}
			fmt.Fprintf(&b, leaf, v)
			n++
			return
		}
		b.WriteString(`{"anyOf":[`)
		for i := range 5 {
			if i > 0 {
				b.WriteByte(',')
			}
			walk(d + 1)
		}
		b.WriteString(`]}`)
	}
	walk(0)
	return b.String()
}

const (
	plainLeaf = `{"type":"string","maxLength":%d}`
	// notLeaf keeps the schema from being plain, so the exhaustive comparison of every member
	// pair runs (about 10^7 pairs at depth 5).
	notLeaf = `{"not":{"type":"string","maxLength":%d}}`
)

func jsonSchemaBody(t *testing.T, schema string) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"schemaType": "JSON", "schema": schema})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// post sends body with ctx, failing the test when no answer comes within a minute.
func post(ctx context.Context, t *testing.T, url, body string) (answer, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", v1JSON)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header.Get("Content-Type"), string(got)}, err
}

// waitNoCheckRunning waits until no goroutine is inside compat's comparison code: the work of
// an abandoned check has ended, no core is left busy with it.
func waitNoCheckRunning(t *testing.T) {
	t.Helper()
	var dump bytes.Buffer
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		dump.Reset()
		if err := pprof.Lookup("goroutine").WriteTo(&dump, 1); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(dump.String(), "accord/compat.Check") {
			return
		}
	}
	t.Fatalf("a compatibility check still runs 20 s after its request ended:\n%s", dump.String())
}

// registerV1 registers schema under subject s.
func registerV1(t *testing.T, url, schema string) {
	t.Helper()
	if got, err := post(context.Background(), t, url+"/subjects/s/versions", jsonSchemaBody(t, schema)); err != nil || got.Status != 200 {
		t.Fatalf("registering version 1: %+v %v", got, err)
	}
}

// TestCompatibilityCheckDeadline (review finding 9): a check still comparing when the
// request's deadline passes is answered 50002, and its work stops; one whose client goes
// away stops too.
func TestCompatibilityCheckDeadline(t *testing.T) {
	st := openTestStore(t)
	// Registered without a deadline: parsing 150 KB may take longer than the one under test.
	v1 := store.SchemaRequest{Type: compat.TypeJSON, Schema: nestedAnyOf(5, -1, notLeaf), ID: -1}
	if _, err := st.Register(context.Background(), "s", v1, false); err != nil {
		t.Fatal(err)
	}
	e := New(Config{Store: st, Logger: testLogger(t), RequestTimeout: 100 * time.Millisecond})
	url := serveHTTP(t, e).URL
	check := jsonSchemaBody(t, nestedAnyOf(5, 7, notLeaf))

	got, err := post(context.Background(), t, url+"/compatibility/subjects/s/versions/latest", check)
	if want := errorAnswer(500, 50002, "Operation timed out"); err != nil || got != want {
		t.Errorf("a check past the deadline: %+v %v, want %+v", got, err, want)
	}
	waitNoCheckRunning(t)

	patient := serveHTTP(t, New(Config{Store: st, Logger: testLogger(t)})).URL // the default deadline, a minute
	ctx, leave := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, leave)
	if _, err := post(ctx, t, patient+"/compatibility/subjects/s/versions/latest", check); err == nil {
		t.Errorf("the client left, yet it was answered")
	}
	waitNoCheckRunning(t)
}

// TestCompatibilityCheckBudget: a crafted schema whose comparison would take hours is refused
// with 42201, by the compatibility endpoint and by registration; the review's 650 KB
// nested-anyOf schema is simply answered.
func TestCompatibilityCheckBudget(t *testing.T) {
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t)})
	url := serveHTTP(t, e).URL
	registerV1(t, url, nestedAnyOf(5, -1, notLeaf))
	check := jsonSchemaBody(t, nestedAnyOf(5, 7, notLeaf))
	want := errorAnswer(422, 42201, "Invalid schema: the schemas are too complex to compare: "+
		"the compatibility check needs more than 1000000 steps")
	for _, path := range []string{"/compatibility/subjects/s/versions/latest", "/subjects/s/versions"} {
		if got, err := post(context.Background(), t, url+path, check); err != nil || got != want {
			t.Errorf("POST %s: %+v %v, want %+v", path, got, err, want)
		}
	}

	e = New(Config{Store: openTestStore(t), Logger: testLogger(t)})
	url = serveHTTP(t, e).URL
	registerV1(t, url, nestedAnyOf(6, -1, plainLeaf))
	got, err := post(context.Background(), t, url+"/compatibility/subjects/s/versions/latest", jsonSchemaBody(t, nestedAnyOf(6, 7, plainLeaf)))
	if wantOK := (answer{200, v1JSON, `{"is_compatible":false}`}); err != nil || got != wantOK {
		t.Errorf("the review's nested anyOf: %+v %v, want %+v", got, err, wantOK)
	}
}
