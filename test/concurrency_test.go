package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestConcurrentRegistration has 32 clients register the same 64 schemas, each in its own
// shuffled order, into 8 overlapping subjects at once (compatibility NONE). Every request
// must succeed, each schema must get exactly one id (the same in every subject and for every
// client, and ids 1..64 with no gaps), each subject's versions must be 1..n with every
// schema in it exactly once, and every client must have been told the same version.
//
// It is deliberately not parallel: it stresses the store's locking, and a -race report must be
// blamed on this test alone, not on whichever tests happen to run next to it.
func TestConcurrentRegistration(t *testing.T) {
	const (
		clients  = 32
		schemas  = 64
		subjects = 8
	)
	s := startServer(t, serverOptions{})
	if r := s.do(http.MethodPut, "/config", map[string]string{"compatibility": "NONE"}); r.Status != http.StatusOK {
		t.Fatalf("PUT /config: %d %s", r.Status, r.Body)
	}
	// Schema j goes into subjects j%8 and j/8%8: every pair of subjects shares schemas, and
	// the 8 schemas with j%8 == j/8%8 go into one subject only.
	type pair struct {
		subject string
		schema  int
	}
	var pairs []pair
	want := map[string][]int{} // subject -> schemas it must hold
	for j := range schemas {
		for _, sub := range []int{j % subjects, j / subjects % subjects} {
			p := pair{fmt.Sprintf("conc-%d", sub), j}
			if !slices.Contains(pairs, p) {
				pairs = append(pairs, p)
				want[p.subject] = append(want[p.subject], j)
			}
		}
	}
	text := func(j int) string {
		return fmt.Sprintf(`{"type":"record","name":"Conc%d","fields":[{"name":"f%d","type":"long"}]}`, j, j)
	}

	type answer struct{ id, version int }
	var (
		mu      sync.Mutex
		answers = map[pair][]answer{}
		wg      sync.WaitGroup
		start   = make(chan struct{})
	)
	api := newJSONClient(s.URL, clients)
	for c := range clients {
		order := slices.Clone(pairs)
		rng := rand.New(rand.NewPCG(uint64(c), 42))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		wg.Go(func() {
			<-start
			for _, p := range order {
				var got struct{ ID, Version int }
				status, body, err := api.call(context.Background(), http.MethodPost,
					"/subjects/"+url.PathEscape(p.subject)+"/versions", schemaBody(text(p.schema)), &got)
				if err != nil || status != http.StatusOK {
					t.Errorf("client %d: register schema %d in %s: %d %s %v", c, p.schema, p.subject, status, body, err)
					continue
				}
				mu.Lock()
				answers[p] = append(answers[p], answer{got.ID, got.Version})
				mu.Unlock()
			}
		})
	}
	begin := time.Now()
	close(start)
	wg.Wait()
	t.Logf("%d registrations in %v", clients*len(pairs), time.Since(begin))
	if t.Failed() {
		return
	}

	ids := map[int]int{} // schema -> id
	for p, as := range answers {
		if len(as) != clients {
			t.Errorf("%v: %d answers, want %d", p, len(as), clients)
		}
		for _, a := range as[1:] {
			if a != as[0] {
				t.Errorf("%v: clients were told %+v and %+v", p, as[0], a)
			}
		}
		if id, ok := ids[p.schema]; ok && id != as[0].id {
			t.Errorf("schema %d has ids %d and %d", p.schema, id, as[0].id)
		}
		ids[p.schema] = as[0].id
	}
	var allIDs []int
	for _, id := range ids {
		allIDs = append(allIDs, id)
	}
	slices.Sort(allIDs)
	for i, id := range allIDs {
		if id != i+1 {
			t.Fatalf("ids = %v, want 1..%d: one id per distinct schema, allocated without gaps", allIDs, schemas)
		}
	}

	for subject, schemasIn := range want {
		var versions []int
		if status, body, err := api.call(context.Background(), http.MethodGet, "/subjects/"+subject+"/versions", nil, &versions); err != nil || status != http.StatusOK {
			t.Fatalf("GET versions of %s: %d %s %v", subject, status, body, err)
		}
		if len(versions) != len(schemasIn) {
			t.Errorf("%s has versions %v, want %d versions", subject, versions, len(schemasIn))
		}
		seen := map[int]int{} // schema -> version
		for i, v := range versions {
			if v != i+1 {
				t.Errorf("%s versions = %v, want 1..%d", subject, versions, len(versions))
				break
			}
			var got struct {
				ID      int    `json:"id"`
				Version int    `json:"version"`
				Schema  string `json:"schema"`
			}
			if status, body, err := api.call(context.Background(), http.MethodGet, fmt.Sprintf("/subjects/%s/versions/%d", subject, v), nil, &got); err != nil || status != http.StatusOK {
				t.Fatalf("GET %s v%d: %d %s %v", subject, v, status, body, err)
			}
			var j int
			if _, err := fmt.Sscanf(got.Schema, `{"type":"record","name":"Conc%d"`, &j); err != nil || got.Schema != text(j) {
				t.Errorf("%s v%d holds unexpected schema %s", subject, v, got.Schema)
				continue
			}
			if prev, dup := seen[j]; dup {
				t.Errorf("%s holds schema %d twice: v%d and v%d", subject, j, prev, v)
			}
			seen[j] = v
			if got.ID != ids[j] || got.Version != v {
				t.Errorf("%s v%d: id %d version %d, want id %d version %d", subject, v, got.ID, got.Version, ids[j], v)
			}
			if a := answers[pair{subject, j}]; len(a) > 0 && a[0].version != v {
				t.Errorf("%s: schema %d is at v%d, clients were told v%d", subject, j, v, a[0].version)
			}
		}
		for _, j := range schemasIn {
			if _, ok := seen[j]; !ok {
				t.Errorf("%s lacks schema %d", subject, j)
			}
		}
	}
}

// jsonClient is a goroutine-safe JSON client for the registry API: unlike server.do it reports
// failures instead of ending the test, so that client goroutines can use it.
type jsonClient struct {
	base string
	hc   *http.Client
}

func newJSONClient(base string, conns int) jsonClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns
	return jsonClient{base: base, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// call sends body (JSON-encoded unless nil) and decodes a 200 answer into into (when non-nil).
// It returns the status and raw body; err is a transport or decoding failure.
func (c jsonClient) call(ctx context.Context, method, path string, body, into any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, data, err
	}
	if resp.StatusCode == http.StatusOK && into != nil {
		if err := json.Unmarshal(data, into); err != nil {
			return resp.StatusCode, data, fmt.Errorf("decode %s: %w", data, err)
		}
	}
	return resp.StatusCode, data, nil
}
