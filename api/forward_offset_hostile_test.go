package api

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

// TestClientCannotSetTheOffsetToWaitFor: the offset a follower waits for after forwarding a
// write comes only from the leader's answer. A client that sends X-Accord-Log-Offset itself
// (here 0, which would let the follower answer before applying the write) changes nothing:
// the leader's answer names no offset, so the follower asks the log for its end and answers
// once it has applied it.
func TestClientCannotSetTheOffsetToWaitFor(t *testing.T) {
	leader := serveHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":1}`)
	}))
	log := &steppedLog{delivered: make(chan int64, 16)}
	st, err := store.Open(context.Background(), store.Config{Shared: log, WriteTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	log.deliver(0)
	pollFor(t, 10*time.Second, "the store to catch up", st.Ready)
	log.reads.Store(0)
	log.end.Store(3)
	follower := serveHTTP(t, New(Config{Store: st, Logger: testLogger(t), Leadership: &fakeLeadership{url: leader.URL}}))
	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", follower.URL+"/subjects/s/versions", strings.NewReader(schemaInt))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(headerLogOffset, "0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	for o := int64(1); o < 3; o++ {
		log.deliver(o)
	}
	select {
	case status := <-answered:
		t.Fatalf("answered %d before applying offset 3, the log's end", status)
	case <-time.After(50 * time.Millisecond):
	}
	log.deliver(3)
	if status := <-answered; status != http.StatusOK {
		t.Errorf("forwarded registration answered %d", status)
	}
	if n := log.reads.Load(); n != 1 {
		t.Errorf("%d Barrier calls for a read; want 1 (the follower asks the log, ignoring the client's header)", n)
	}
}
