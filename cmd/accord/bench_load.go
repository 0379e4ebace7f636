package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

func newBenchClient(clients int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, MaxConnsPerHost: clients * 2, IdleConnTimeout: time.Minute,
	}}
}

func (c *benchConfig) subject(n int) string { return fmt.Sprintf("bench-%d-value", n%c.subjects) }

// fieldsOf is how many optional fields schema n has: the k-th schema of a subject adds one
// more, so every registration passes a real BACKWARD check against the previous version.
func (c *benchConfig) fieldsOf(n int) int { return n / c.subjects }

// schemaBody is the register/lookup body of a record schema with `fields` optional fields.
func schemaBody(subject string, fields int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"type":"record","name":"R","namespace":"%s","fields":[{"name":"id","type":"long"}`, strings.ReplaceAll(subject, "-", "_"))
	for i := 0; i < fields; i++ {
		fmt.Fprintf(&b, `,{"name":"f%d","type":["null","string"],"default":null}`, i)
	}
	b.WriteString("]}")
	body, _ := json.Marshal(map[string]string{"schema": b.String()})
	return body
}

// registerAll registers c.schemas schemas, each client owning a disjoint set of subjects so
// that every subject's versions arrive in order, and returns registrations per second.
func (c *benchConfig) registerAll(ctx context.Context, client *http.Client, target string) (float64, error) {
	elapsed, err := c.striped(ctx, c.schemas, func(n int) error {
		return postOK(client, fmt.Sprintf("%s/subjects/%s/versions", target, c.subject(n)), schemaBody(c.subject(n), c.fieldsOf(n)))
	})
	if err != nil {
		return 0, fmt.Errorf("register: %w", err)
	}
	return float64(c.schemas) / elapsed.Seconds(), nil
}

// striped calls do for 0..count-1 from c.clients goroutines, client w taking w, w+clients, …
// in order, and returns how long they took. The first failure, or the end of ctx, stops the
// client that meets it and is returned once all have stopped.
func (c *benchConfig) striped(ctx context.Context, count int, do func(i int) error) (time.Duration, error) {
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, c.clients)
	for w := range c.clients {
		wg.Go(func() {
			for i := w; i < count; i += c.clients {
				if err := ctx.Err(); err != nil {
					errs <- err
					return
				}
				if err := do(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return time.Since(start), <-errs
}

// runFor runs op from `clients` goroutines for d and returns successful operations per second.
// The first failure stops the run.
func runFor(ctx context.Context, d time.Duration, clients int, op func(worker, i int) error) (float64, error) {
	n, elapsed, err := runCount(ctx, d, clients, op)
	if err != nil {
		return 0, err
	}
	return float64(n) / elapsed.Seconds(), nil
}

// runCount runs op from `clients` goroutines for d and returns how many succeeded and how
// long the run took. The first failure stops the run.
func runCount(ctx context.Context, d time.Duration, clients int, op func(worker, i int) error) (int64, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var done atomic.Int64
	var firstErr atomic.Pointer[error]
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				if err := op(w, i); err != nil {
					if ctx.Err() == nil {
						firstErr.CompareAndSwap(nil, &err)
						cancel()
					}
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if p := firstErr.Load(); p != nil {
		return 0, 0, *p
	}
	return done.Load(), time.Since(start), nil
}

func getOK(client *http.Client, url string) error {
	resp, err := client.Get(url)
	return checkOK(resp, err)
}

func postOK(client *http.Client, url string, body []byte) error {
	resp, err := client.Post(url, "application/vnd.schemaregistry.v1+json", bytes.NewReader(body))
	return checkOK(resp, err)
}

func checkOK(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, body)
	}
	return nil
}

// timeStartup writes a log of n SCHEMA records (n/10 subjects of 10 versions) straight through
// the file log, then times how long a store takes to open it and become ready.
func timeStartup(ctx context.Context, n int) (time.Duration, error) {
	dir, err := os.MkdirTemp("", "accord-startup-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	if err := writeStartupLog(dir, n); err != nil {
		return 0, err
	}
	start := time.Now()
	log, err := filelog.Open(dir, filelog.Config{})
	if err != nil {
		return 0, err
	}
	defer log.Close()
	if _, err := store.Open(ctx, store.Config{Log: log}); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func writeStartupLog(dir string, n int) error {
	log, err := filelog.Open(dir, filelog.Config{NoSync: true})
	if err != nil {
		return err
	}
	recs := make([]store.Record, 0, 1000)
	for i := 0; i < n; i++ {
		subject, version := fmt.Sprintf("startup-%d", i/10), i%10+1
		key := fmt.Sprintf(`{"keytype":"SCHEMA","subject":%q,"version":%d,"magic":1}`, subject, version)
		value, _ := json.Marshal(map[string]any{"subject": subject, "version": version, "id": i + 1, "schemaType": "AVRO",
			"schema": fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"id","type":"long"}]}`, i), "deleted": false})
		recs = append(recs, store.Record{Key: []byte(key), Value: value})
		if len(recs) == cap(recs) || i == n-1 {
			if _, err := log.Append(recs); err != nil {
				log.Close()
				return err
			}
			recs = recs[:0]
		}
	}
	return log.Close()
}
