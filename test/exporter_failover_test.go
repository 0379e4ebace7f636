package test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestExporterKafkaLeaderKilled SIGKILLs the leader of a three-instance registry on Kafka in
// the middle of an export of a few thousand versions, while registrations go on: a new
// leader takes the exporter over from its last saved offset, and afterwards the destination
// holds every version once, with its id, and answers as the source does.
func TestExporterKafkaLeaderKilled(t *testing.T) {
	skipIfShort(t)
	const (
		subjects = 400
		versions = 5 // per subject: 2000 versions to export
		name     = "dr"
	)
	src := startKafkaCluster(t, 3, fastElection)
	leader, _ := src.waitForLeader(t, src.nodes, 30*time.Second)
	dst := startEmbedded(t, buildAccord(t))
	rc := newRetryingClient(src)
	registerBacklog(t, rc, subjects, versions)
	createExporter(t, src.api(leader), linkDefinition(name, dst.url(), nil))

	// Registrations go on during the failover, so that it happens while there is always
	// something left to export.
	ctx, stopWriting := context.WithCancel(context.Background())
	var writer sync.WaitGroup
	writer.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			body := map[string]any{"schema": fmt.Sprintf(`{"type":"record","name":"Late%d","fields":[{"name":"f","type":"long"}]}`, i)}
			if status, data, err := rc.call(ctx, i, http.MethodPost, fmt.Sprintf("/subjects/late-%d/versions", i), body, nil); err != nil || status != http.StatusOK {
				if ctx.Err() == nil {
					t.Errorf("register late-%d: %d %s %v", i, status, data, err)
				}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	defer func() { stopWriting(); writer.Wait() }()

	inDst := inContext(dst.api(), linkedContext)
	if !poll(2*time.Minute, func() bool {
		var listed []string
		status, _, err := inDst.call(context.Background(), http.MethodGet, "/subjects", nil, &listed)
		return err == nil && status == http.StatusOK && len(listed) >= subjects/4
	}) {
		st, err := exporterState(src.api(leader), name)
		t.Fatalf("the destination has not a quarter of the subjects after 2 minutes; exporter %+v %v", st, err)
	}
	before, _ := exporterState(src.api(leader), name)
	t.Logf("killing the leader %s; exporter status %+v", leader.name, before)
	leader.current().kill(t)
	survivors := src.without(leader)
	newLeader, _ := src.waitForLeader(t, survivors, 30*time.Second)
	t.Logf("new leader %s", newLeader.name)
	time.Sleep(2 * time.Second) // a few registrations through the new leader
	stopWriting()
	writer.Wait()
	waitSettled(t, src.api(newLeader))

	waitExported(t, src.api(newLeader), name, 3*time.Minute)
	got, _ := listVersions(t, inDst)
	want, _ := listVersions(t, src.api(newLeader))
	checkOneSchemaPerID(t, "destination", got)
	checkContiguousVersions(t, "destination", got)
	if len(got) != len(want) {
		t.Errorf("the destination lists %d versions, the source %d", len(got), len(want))
	}
	checkLinked(t, "after the failover", src.api(newLeader), inDst, linkedPaths(t, src.api(newLeader), false))
}

// registerBacklog registers versions versions of each of subjects subjects, 8 at a time,
// each version adding a field with a default (compatible under BACKWARD).
func registerBacklog(t *testing.T, rc *retryingClient, subjects, versions int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	work := make(chan int)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for s := range work {
				for v := 1; v <= versions; v++ {
					status, data, err := rc.call(ctx, w, http.MethodPost, fmt.Sprintf("/subjects/s-%d/versions", s), map[string]any{"schema": backlogSchema(s, v)}, nil)
					if err != nil || status != http.StatusOK {
						t.Errorf("register s-%d version %d: %d %s %v", s, v, status, data, err)
						return
					}
				}
			}
		})
	}
	for s := range subjects {
		work <- s
	}
	close(work)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("registered %d versions in %v", subjects*versions, time.Since(start).Round(time.Millisecond))
}

// backlogSchema is version v of subject s: a record with v fields, each after the first
// with a default.
func backlogSchema(s, v int) string {
	fields := `{"name":"f1","type":"long"}`
	for i := 2; i <= v; i++ {
		fields += fmt.Sprintf(`,{"name":"f%d","type":"string","default":""}`, i)
	}
	return fmt.Sprintf(`{"type":"record","name":"R%d","namespace":"backlog","fields":[%s]}`, s, fields)
}
