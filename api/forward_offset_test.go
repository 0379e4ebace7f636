package api

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
)

// TestForwardedAnswerCarriesOffset: the leader's answer to a forwarded write names the offset
// its store had applied once the write was done, so the follower waits for that offset rather
// than asking the log for its end; an answer to a client's own request carries no such header.
func TestForwardedAnswerCarriesOffset(t *testing.T) {
	st := openTestStore(t)
	leadership := &fakeLeadership{}
	leadership.set("http://leader.invalid", true)
	leader := serveHTTP(t, New(Config{Store: st, Logger: testLogger(t), Leadership: leadership}))
	got, header := do(t, "POST", leader.URL+"/subjects/s/versions", schemaInt, http.Header{headerForward: {"true"}})
	if got.Status != http.StatusOK {
		t.Fatalf("forwarded registration = %+v", got)
	}
	if want := strconv.FormatInt(st.Offset(), 10); header.Get(headerLogOffset) != want {
		t.Errorf("%s = %q, want the store's offset after the write, %s", headerLogOffset, header.Get(headerLogOffset), want)
	}
	if _, header := do(t, "POST", leader.URL+"/subjects/t/versions", schemaInt, nil); header.Get(headerLogOffset) != "" {
		t.Errorf("a client's own registration was answered with %s: %q", headerLogOffset, header.Get(headerLogOffset))
	}
}

// TestFollowerWaitsForLeadersOffset: a follower whose forwarded write the leader answered with
// its offset answers once it has applied that offset, without asking the log for its end; an
// answer without the offset (a leader of an older version) makes it ask, as before.
func TestFollowerWaitsForLeadersOffset(t *testing.T) {
	for _, tc := range []struct {
		offset   string
		barriers int64 // the follower's calls to Barrier for a read, after its startup
		waitsFor int64 // the offset the follower must have applied before it answers
		name     string
		// client is the offset header the client itself sends, which must change nothing:
		// the offset comes only from the leader's answer (0 would let the follower answer
		// before applying the write).
		client string
	}{
		{name: "offset", offset: "7", barriers: 0, waitsFor: 7},
		{name: "no offset", offset: "", barriers: 1, waitsFor: 9},
		{name: "not a number", offset: "x", barriers: 1, waitsFor: 9},
		{name: "set by the client", offset: "", client: "0", barriers: 1, waitsFor: 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leader := serveHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body)
				if tc.offset != "" {
					w.Header().Set(headerLogOffset, tc.offset)
				}
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
			log.end.Store(9)
			follower := serveHTTP(t, New(Config{Store: st, Logger: testLogger(t), Leadership: &fakeLeadership{url: leader.URL}}))
			answered := make(chan answer, 1)
			go func() {
				var header http.Header
				if tc.client != "" {
					header = http.Header{headerLogOffset: {tc.client}}
				}
				got, _ := do(t, "POST", follower.URL+"/subjects/s/versions", schemaInt, header)
				answered <- got
			}()
			for o := int64(1); o < tc.waitsFor; o++ {
				log.deliver(o)
			}
			select {
			case got := <-answered:
				t.Fatalf("answered %+v before applying offset %d", got, tc.waitsFor)
			case <-time.After(50 * time.Millisecond):
			}
			log.deliver(tc.waitsFor)
			if got := <-answered; got.Status != http.StatusOK {
				t.Errorf("forwarded registration = %+v", got)
			}
			if n := log.reads.Load(); n != tc.barriers {
				t.Errorf("%d Barrier calls for a read; want %d", n, tc.barriers)
			}
		})
	}
}

// steppedLog is a shared log whose reader applies a marker at each offset the test delivers,
// and whose committed end is end.
type steppedLog struct {
	end       atomic.Int64
	reads     atomic.Int64 // calls to Barrier for a read
	delivered chan int64
}

func (l *steppedLog) deliver(offset int64) { l.delivered <- offset }

func (l *steppedLog) Follow(ctx context.Context, fn func([]store.Record) []int64) error {
	for {
		select {
		case o := <-l.delivered:
			fn([]store.Record{{Offset: o}})
		case <-ctx.Done():
			return nil
		}
	}
}

func (l *steppedLog) Barrier(_ context.Context, write bool) (int64, error) {
	if write {
		return 0, store.ErrNotLeader
	}
	l.reads.Add(1)
	return l.end.Load(), nil
}

func (l *steppedLog) Append(context.Context, []store.Record) (int64, error) {
	return 0, store.ErrNotLeader
}
