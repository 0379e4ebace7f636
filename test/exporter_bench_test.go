package test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

// The exporter benchmarks measure Schema Linking between two `accord serve` processes on the
// embedded store, source and destination on this machine: how long the initial copy of a
// large registry takes, and how long a registration takes to become visible on the
// destination while the source takes a steady 200 registrations/s. `make bench-export` runs
// them; `make test` does not.

const (
	syncSubjects = 10_000
	syncVersions = 10
	lagRate      = 200 // registrations per second on the source
	lagDuration  = 20 * time.Second
)

// BenchmarkExporterInitialSync writes 100,000 schemas (10,000 subjects of 10 versions each,
// every version a compatible evolution of the one before) into the source's log, starts both
// processes, creates an exporter into the destination's context ".dr", and measures the time
// from its creation until its status reaches the source's last offset and the destination
// serves the last version.
func BenchmarkExporterInitialSync(b *testing.B) {
	bin := buildAccordTB(b)
	for b.Loop() {
		srcDir := b.TempDir()
		recs := benchEvolvingRecords(syncSubjects, syncVersions)
		writeFileLog(b, srcDir, recs)
		src := startBenchServer(b, bin, srcDir, nil)
		dst := startBenchServer(b, bin, b.TempDir(), nil)
		start := time.Now()
		createBenchExporter(b, src.url, dst.url)
		benchWaitExported(b, src.url, int64(len(recs)-1), 30*time.Minute)
		last := fmt.Sprintf("/subjects/:.dr:s-%d/versions/%d", syncSubjects, syncVersions)
		if status := benchGetStatus(b, dst.url+last); status != http.StatusOK {
			b.Fatalf("the destination answers %d on %s after the exporter reported it done", status, last)
		}
		took := time.Since(start)
		schemas := syncSubjects * syncVersions
		b.ReportMetric(took.Seconds(), "s/sync")
		b.ReportMetric(float64(schemas)/took.Seconds(), "schemas/s")
		b.Logf("initial sync of %d schemas in %d subjects: %v (%.0f schemas/s)", schemas, syncSubjects, took.Round(time.Millisecond), float64(schemas)/took.Seconds())
	}
}

// BenchmarkExporterLag runs an exporter between two processes while a paced client
// registers 200 schemas/s on the source (each in a subject of its own) for 20 s, and
// measures, per registration, the time from the source's answer to the destination serving
// the version. A checker polls the registrations in the order they were acknowledged, so a
// version found visible late is counted late: the numbers are upper bounds.
func BenchmarkExporterLag(b *testing.B) {
	bin := buildAccordTB(b)
	for b.Loop() {
		src := startBenchServer(b, bin, b.TempDir(), nil)
		dst := startBenchServer(b, bin, b.TempDir(), nil)
		createBenchExporter(b, src.url, dst.url)
		benchWaitRunning(b, src.url, time.Minute)
		lags := benchMeasureLag(b, src.url, dst.url)
		slices.Sort(lags)
		at := func(q float64) time.Duration { return lags[min(len(lags)-1, int(q*float64(len(lags))))] }
		b.ReportMetric(float64(at(0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(at(0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lags[len(lags)-1].Microseconds())/1000, "max-ms")
		b.Logf("%d registrations at %d/s: lag p50 %v, p99 %v, max %v", len(lags), lagRate, at(0.50).Round(time.Millisecond),
			at(0.99).Round(time.Millisecond), lags[len(lags)-1].Round(time.Millisecond))
	}
}

// benchEvolvingRecords returns SCHEMA records in Confluent's format: subjects s-1 … s-n, each with
// versions 1 … v, version k a record of k string fields with defaults (each a backward- and
// forward-compatible evolution of the one before), ids numbered in registration order.
func benchEvolvingRecords(subjects, versions int) []store.Record {
	recs := []store.Record{{Key: []byte(`{"keytype":"NOOP","magic":0}`)}}
	id := 0
	for v := 1; v <= versions; v++ {
		for s := 1; s <= subjects; s++ {
			id++
			fields := []string{`{"name":"id","type":"long"}`}
			for f := 1; f < v; f++ {
				fields = append(fields, fmt.Sprintf(`{"name":"f%d","type":"string","default":""}`, f))
			}
			schema := fmt.Sprintf(`{"type":"record","name":"R%d","namespace":"bench","fields":[%s]}`, s, strings.Join(fields, ","))
			quoted, _ := json.Marshal(schema)
			recs = append(recs, store.Record{
				Key:   fmt.Appendf(nil, `{"keytype":"SCHEMA","subject":"s-%d","version":%d,"magic":1}`, s, v),
				Value: fmt.Appendf(nil, `{"subject":"s-%d","version":%d,"id":%d,"schema":%s,"deleted":false}`, s, v, id, quoted),
			})
		}
	}
	return recs
}

// createBenchExporter creates the exporter "bench" on src, copying every subject into the
// context ".dr" of dst.
func createBenchExporter(b *testing.B, src, dst string) {
	b.Helper()
	body := map[string]any{"name": "bench", "contextType": "CUSTOM", "context": ".dr", "subjects": []string{"*"},
		"config": map[string]string{"schema.registry.url": dst}}
	status, data, err := newJSONClient(src, 1).call(context.Background(), "POST", "/exporters", body, nil)
	if err != nil || status != http.StatusOK {
		b.Fatalf("POST /exporters: %d %s %v", status, data, err)
	}
}

// benchStatus is the answer of GET /exporters/{name}/status.
type benchStatus struct {
	Name   string `json:"name"`
	State  string `json:"state"`
	Offset int64  `json:"offset"`
	TS     int64  `json:"ts"`
	Trace  string `json:"trace"`
}

func benchExporterStatus(b *testing.B, src string) benchStatus {
	b.Helper()
	var st benchStatus
	status, data, err := newJSONClient(src, 1).call(context.Background(), "GET", "/exporters/bench/status", nil, &st)
	if err != nil || status != http.StatusOK {
		b.Fatalf("GET /exporters/bench/status: %d %s %v", status, data, err)
	}
	if st.State == store.ExporterError {
		b.Fatalf("the exporter failed: %s", st.Trace)
	}
	return st
}

// benchWaitExported polls the exporter's status until its offset reaches offset.
func benchWaitExported(b *testing.B, src string, offset int64, timeout time.Duration) {
	b.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if benchExporterStatus(b, src).Offset >= offset {
			return
		}
	}
	b.Fatalf("the exporter did not reach offset %d in %v: %+v", offset, timeout, benchExporterStatus(b, src))
}

// benchWaitRunning polls the exporter's status until it is RUNNING.
func benchWaitRunning(b *testing.B, src string, timeout time.Duration) {
	b.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if benchExporterStatus(b, src).State == store.ExporterRunning {
			return
		}
	}
	b.Fatalf("the exporter is not RUNNING after %v: %+v", timeout, benchExporterStatus(b, src))
}

func benchGetStatus(b *testing.B, url string) int {
	b.Helper()
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// benchAck is one registration the source acknowledged, and when.
type benchAck struct {
	subject string
	at      time.Time
}

// benchMeasureLag registers lagRate schemas/s on src for lagDuration, from four paced senders,
// and returns each registration's lag to visibility on dst.
func benchMeasureLag(b *testing.B, src, dst string) []time.Duration {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	acks := make(chan benchAck, lagRate*int(lagDuration/time.Second))
	var lags []time.Duration
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		lags = benchCheckVisible(ctx, dst, acks)
	}()
	client := newJSONClient(src, 4)
	total := lagRate * int(lagDuration/time.Second)
	tick := time.NewTicker(time.Second / lagRate)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failure error
	for i := range total {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			subject := fmt.Sprintf("lag-%d", i)
			schema := fmt.Sprintf(`{"type":"record","name":"L%d","fields":[{"name":"a","type":"long"}]}`, i)
			status, data, err := client.call(ctx, "POST", "/subjects/"+subject+"/versions", map[string]any{"schema": schema}, nil)
			if err != nil || status != http.StatusOK {
				mu.Lock()
				failure = fmt.Errorf("register %s: %d %s %v", subject, status, data, err)
				mu.Unlock()
				return
			}
			acks <- benchAck{subject: subject, at: time.Now()}
		}()
	}
	tick.Stop()
	wg.Wait()
	close(acks)
	<-checked
	if failure != nil {
		b.Fatal(failure)
	}
	if len(lags) != total {
		b.Fatalf("%d of %d registrations became visible on the destination", len(lags), total)
	}
	return lags
}

// benchCheckVisible takes acknowledged registrations in order and polls the destination, every
// millisecond, until it serves each; it returns the lags.
func benchCheckVisible(ctx context.Context, dst string, acks <-chan benchAck) []time.Duration {
	hc := &http.Client{Timeout: 10 * time.Second}
	var lags []time.Duration
	for a := range acks {
		url := dst + "/subjects/:.dr:" + a.subject + "/versions/1"
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && ctx.Err() == nil; time.Sleep(time.Millisecond) {
			resp, err := hc.Get(url)
			if err != nil {
				continue
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				lags = append(lags, time.Since(a.at))
				break
			}
		}
	}
	return lags
}
