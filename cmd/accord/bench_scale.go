package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/accord-registry/accord/api"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// The scale run (`accord bench --scale`, `make bench-scale`) measures the registry at
// --schemas schemas over --subjects subjects: registrations through HTTP on a smaller
// registry (--scale-register schemas; a million through HTTP would take the better part of an
// hour), then a log of the full corpus written directly in Confluent's record format, and on
// it: the embedded store's startup, its memory, id lookups and lookups by schema as ratios of
// the same-run baseline beside their ratios at 1,000 schemas, the list endpoints' pages and a
// compatibility check against a subject of 1,000 versions. With --kafka-brokers it also times
// `accord serve` starting from a topic holding the corpus, without and with its snapshot
// (bench_scale_kafka.go).

// scaleReference is the size of the registry the lookups at scale are compared with.
const scaleReference = 1000

// lookupRatios are lookups per second as fractions of the baseline's, measured side by side.
type lookupRatios struct{ byID, bySchema float64 }

func (c *benchConfig) runScale(ctx context.Context, out io.Writer) error {
	if c.subjects < 1 || c.schemas < c.subjects {
		return badInput(fmt.Errorf("--scale needs --schemas (%d) at least --subjects (%d), and a subject", c.schemas, c.subjects))
	}
	corpus := scaleCorpus{name: "scale", subjects: c.subjects, versions: c.schemas / c.subjects}
	if err := corpus.checkCanonical(); err != nil {
		return err
	}
	baseline, stopBaseline, err := startBaseline()
	if err != nil {
		return err
	}
	defer stopBaseline()
	client := newBenchClient(c.clients)
	fmt.Fprintf(out, "accord bench --scale: %d schemas (%d subjects × %d versions, Avro, JSON Schema and Protobuf in turn) and a subject of %d versions; %d clients, %s per throughput phase; ratios are of the baseline measured just before, on the same machine\n",
		corpus.schemas(), corpus.subjects, corpus.versions, bigVersions, c.clients, c.duration)
	reference, err := c.scaleRegistrations(ctx, out, client, baseline)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "accord-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	text, err := corpus.writeLog(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-44s %12s  (%d records, %.0f MiB of schema text, written directly in Confluent's format)\n",
		"log written", time.Since(start).Round(time.Millisecond), corpus.schemas()+bigVersions+1, mib(uint64(text)))
	st, closeStore, err := c.scaleStartup(ctx, out, dir, corpus, text)
	if err != nil {
		return err
	}
	defer closeStore()
	url, stop, err := serveLoopback(api.New(api.Config{Store: st}))
	if err != nil {
		return err
	}
	defer stop()
	if err := c.scaleReads(ctx, out, client, baseline, url, corpus, reference); err != nil {
		return err
	}
	if c.scaleKafka != "" {
		return c.scaleKafkaStartup(ctx, out, corpus)
	}
	return nil
}

// scaleRegistrations registers scaleReference schemas through HTTP on a new registry and
// measures its lookups there (the reference the lookups at scale are compared with), then
// registers --scale-register more and reports the registration rate.
func (c *benchConfig) scaleRegistrations(ctx context.Context, out io.Writer, client *http.Client, baseline string) (lookupRatios, error) {
	url, stop, err := c.startRegistry(ctx)
	if err != nil {
		return lookupRatios{}, err
	}
	defer stop()
	small := scaleCorpus{name: "reference", subjects: scaleReference / 10, versions: 10}
	if _, err := c.registerCorpus(ctx, client, url, small); err != nil {
		return lookupRatios{}, err
	}
	reference, err := c.scaleLookups(ctx, client, baseline, url, small, func(i, v int) int { return i*small.versions + v })
	if err != nil {
		return lookupRatios{}, err
	}
	fmt.Fprintf(out, "%-44s %11.1f%%  of baseline\n", fmt.Sprintf("GET /schemas/ids/{id}, %d schemas", scaleReference), 100*reference.byID)
	fmt.Fprintf(out, "%-44s %11.1f%%  of baseline\n", fmt.Sprintf("POST /subjects/{s} (lookup), %d schemas", scaleReference), 100*reference.bySchema)
	more := scaleCorpus{name: "http", subjects: max(c.scaleRegister/10, 1), versions: 10}
	rate, err := c.registerCorpus(ctx, client, url, more)
	if err != nil {
		return lookupRatios{}, err
	}
	fmt.Fprintf(out, "%-44s %12.0f /s  (through HTTP, fsync on, %d schemas after the first %d)\n", "registrations", rate, more.schemas(), scaleReference)
	return reference, nil
}

// registerCorpus registers every schema of sc through HTTP, each client owning whole subjects
// so that their versions arrive in order, and returns registrations per second.
func (c *benchConfig) registerCorpus(ctx context.Context, client *http.Client, url string, sc scaleCorpus) (float64, error) {
	elapsed, err := c.striped(ctx, sc.subjects, func(i int) error {
		for v := 1; v <= sc.versions; v++ {
			if err := postOK(client, url+"/subjects/"+sc.subject(i)+"/versions", scaleBody(sc, i, v)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("register: %w", err)
	}
	return float64(sc.schemas()) / elapsed.Seconds(), nil
}

// scaleBody is the register or lookup body of version v of subject i.
func scaleBody(sc scaleCorpus, i, v int) []byte {
	typ, text := sc.schema(i, v)
	body, _ := json.Marshal(map[string]string{"schema": text, "schemaType": string(typ)})
	return body
}

// scaleLookups measures the baseline, then id lookups and lookups by schema of random versions
// of sc, and returns them as ratios of the baseline.
func (c *benchConfig) scaleLookups(ctx context.Context, client *http.Client, baseline, url string, sc scaleCorpus, id func(i, v int) int) (lookupRatios, error) {
	pick := func(w, i int) (int, int) {
		n := int(rand.Uint64N(uint64(sc.schemas())))
		return n / sc.versions, n%sc.versions + 1
	}
	// An unmeasured round first opens the connections and warms what the registry caches.
	if _, err := runFor(ctx, c.duration/4, c.clients, func(w, i int) error {
		s, v := pick(w, i)
		return postOK(client, url+"/subjects/"+sc.subject(s), scaleBody(sc, s, v))
	}); err != nil {
		return lookupRatios{}, fmt.Errorf("warm-up: %w", err)
	}
	base, err := runFor(ctx, c.duration, c.clients, func(int, int) error { return getOK(client, baseline+"/baseline") })
	if err != nil {
		return lookupRatios{}, fmt.Errorf("baseline: %w", err)
	}
	byID, err := runFor(ctx, c.duration, c.clients, func(w, i int) error {
		s, v := pick(w, i)
		return getOK(client, fmt.Sprintf("%s/schemas/ids/%d", url, id(s, v)))
	})
	if err != nil {
		return lookupRatios{}, fmt.Errorf("GET /schemas/ids: %w", err)
	}
	bySchema, err := runFor(ctx, c.duration, c.clients, func(w, i int) error {
		s, v := pick(w, i)
		return postOK(client, url+"/subjects/"+sc.subject(s), scaleBody(sc, s, v))
	})
	if err != nil {
		return lookupRatios{}, fmt.Errorf("POST /subjects/{s}: %w", err)
	}
	return lookupRatios{byID: byID / base, bySchema: bySchema / base}, nil
}

// scaleStartup opens the embedded store on the corpus's log and reports how long it took and
// what it costs in memory.
func (c *benchConfig) scaleStartup(ctx context.Context, out io.Writer, dir string, sc scaleCorpus, text int) (*store.Store, func(), error) {
	heapBefore, rssBefore := liveHeap(), residentBytes()
	cpuBefore, cpuErr := processCPU(os.Getpid())
	start := time.Now()
	st, closeStore, err := openBenchStore(ctx, dir, filelog.Config{})
	if err != nil {
		return nil, nil, err
	}
	took := time.Since(start)
	cpuAfter, err := processCPU(os.Getpid())
	heapAfter, rssAfter := liveHeap(), residentBytes()
	schemas := sc.schemas() + bigVersions
	// The CPU time beside the wall time: on a shared machine the wall time says more about the
	// neighbours than about the startup.
	cpu := "unknown"
	if cpuErr == nil && err == nil {
		cpu = (cpuAfter - cpuBefore).Round(time.Millisecond).String()
	}
	fmt.Fprintf(out, "%-44s %12s  (%s of CPU)\n", "startup from the embedded log", took.Round(time.Millisecond), cpu)
	fmt.Fprintf(out, "%-44s %10.0f MiB  (%.0f MiB before loading)\n", "RSS after loading", mib(rssAfter), mib(rssBefore))
	perSchema := (float64(heapAfter) - float64(heapBefore) - float64(text)) / float64(schemas)
	fmt.Fprintf(out, "%-44s %12.0f B   (live heap %.0f MiB for %d schemas, %.0f MiB of it their text)\n",
		"memory per schema beyond its text", perSchema, mib(heapAfter-heapBefore), schemas, mib(uint64(text)))
	return st, closeStore, nil
}

// scaleReads measures lookups at scale against the reference, the list endpoints and the
// compatibility check.
func (c *benchConfig) scaleReads(ctx context.Context, out io.Writer, client *http.Client, baseline, url string, sc scaleCorpus, reference lookupRatios) error {
	at, err := c.scaleLookups(ctx, client, baseline, url, sc, sc.id)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-44s %11.1f%%  of baseline, %.2f× its ratio at %d schemas\n", fmt.Sprintf("GET /schemas/ids/{id}, %d schemas", sc.schemas()), 100*at.byID, at.byID/reference.byID, scaleReference)
	fmt.Fprintf(out, "%-44s %11.1f%%  of baseline, %.2f× its ratio at %d schemas\n", fmt.Sprintf("POST /subjects/{s} (lookup), %d schemas", sc.schemas()), 100*at.bySchema, at.bySchema/reference.bySchema, scaleReference)
	pages := []struct {
		name string
		url  func() string
	}{
		{"GET /subjects?offset=…&limit=100", func() string {
			return fmt.Sprintf("%s/subjects?offset=%d&limit=100", url, rand.IntN(sc.subjects))
		}},
		{"GET /schemas?subjectPrefix=…&limit=100", func() string {
			return fmt.Sprintf("%s/schemas?subjectPrefix=%s&limit=100", url, sc.subject(rand.IntN(sc.subjects))[:len(sc.name)+5])
		}},
		{"GET /schemas?…&offset=500&limit=100", func() string {
			return fmt.Sprintf("%s/schemas?subjectPrefix=%s&offset=500&limit=100", url, sc.subject(rand.IntN(sc.subjects))[:len(sc.name)+5])
		}},
		{fmt.Sprintf("GET /subjects (all %d)", sc.subjects+1), func() string { return url + "/subjects" }},
	}
	for _, p := range pages {
		rounds := 200
		if p.url() == url+"/subjects" {
			rounds = 5
		}
		if err := reportLatency(out, p.name, rounds, func() error { return getOK(client, p.url()) }); err != nil {
			return err
		}
	}
	check := fmt.Sprintf("%s/compatibility/subjects/%s/versions", url, bigSubject)
	body, _ := json.Marshal(map[string]string{"schema": bigSchema(bigVersions + 1)})
	return reportLatency(out, fmt.Sprintf("compatibility check against %d versions", bigVersions), 10, func() error { return postOK(client, check, body) })
}

// reportLatency runs op rounds times in turn and prints the median and the slowest.
func reportLatency(out io.Writer, name string, rounds int, op func() error) error {
	took := make([]time.Duration, rounds)
	for i := range took {
		start := time.Now()
		if err := op(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		took[i] = time.Since(start)
	}
	slices.Sort(took)
	fmt.Fprintf(out, "%-44s %12s  median, %s slowest of %d\n", name, roundLatency(took[rounds/2]), roundLatency(took[rounds-1]), rounds)
	return nil
}

func roundLatency(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(100 * time.Microsecond)
}
