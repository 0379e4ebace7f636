package test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestExporterDestinationDown stops the destination for 30 seconds while the source goes on
// registering a few schemas a second: the exporter's status says that it retries (STARTING,
// with a trace), and once the destination is back on its address the exporter catches up
// and the destination answers as the source does.
func TestExporterDestinationDown(t *testing.T) {
	skipIfShort(t)
	t.Parallel()
	const name = "dr"
	bin := buildAccord(t)
	src, dst := startEmbedded(t, bin), startEmbedded(t, bin)
	mustCall(t, src.api(), http.MethodPost, "/subjects/before/versions", map[string]any{"schema": `"int"`})
	createExporter(t, src.api(), linkDefinition(name, dst.url(), nil))
	waitExported(t, src.api(), name, time.Minute)

	ctx, stopWriting := context.WithCancel(context.Background())
	var writer sync.WaitGroup
	writer.Go(func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			body := map[string]any{"schema": fmt.Sprintf(`{"type":"record","name":"Steady%d","fields":[{"name":"f","type":"long"}]}`, i)}
			if status, data, err := src.api().call(ctx, http.MethodPost, fmt.Sprintf("/subjects/steady-%d/versions", i), body, nil); ctx.Err() == nil && (err != nil || status != http.StatusOK) {
				t.Errorf("register steady-%d: %d %s %v", i, status, data, err)
				return
			}
		}
	})
	defer func() { stopWriting(); writer.Wait() }()

	time.Sleep(time.Second)
	dst.stop()
	down := time.Now()
	retrying := waitExporterState(t, src.api(), name, "STARTING", 25*time.Second)
	if retrying.Trace == "" {
		t.Errorf("status while the destination is down: %+v, want a trace saying why it waits", retrying)
	}
	t.Logf("status while the destination is down: %+v", retrying)
	time.Sleep(30*time.Second - time.Since(down))
	if st, err := exporterState(src.api(), name); err != nil || st.State != "STARTING" {
		t.Errorf("status after 30 s without the destination: %+v %v, want STARTING", st, err)
	}
	dst.restart()
	time.Sleep(2 * time.Second) // registrations go on as the exporter catches up
	stopWriting()
	writer.Wait()
	waitSettled(t, src.api())

	waitExported(t, src.api(), name, 2*time.Minute)
	checkLinked(t, "after the outage", src.api(), inContext(dst.api(), linkedContext), linkedPaths(t, src.api(), true))
}
