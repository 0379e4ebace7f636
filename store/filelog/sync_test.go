package filelog

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/accord-registry/accord/store"
)

// TestConcurrentAppendSync runs 32 writers that each append and sync, with real fsyncs. Every
// offset is handed out once, none is skipped, and the writers share fsyncs.
func TestConcurrentAppendSync(t *testing.T) {
	t.Parallel()
	const writers, perWriter = 32, 40
	l := mustOpen(t, t.TempDir(), Config{Logger: testConfig(t).Logger})
	got := make([][]int64, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				batch := numbered(w*1000+i, 1+i%3, 50)
				first, err := l.Append(batch)
				if err == nil {
					err = l.Sync(context.Background(), first+int64(len(batch))-1)
				}
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				for j := range batch {
					got[w] = append(got[w], first+int64(j))
				}
			}
		})
	}
	wg.Wait()
	all := slices.Concat(got...)
	slices.Sort(all)
	for i, off := range all {
		if off != int64(i) {
			t.Fatalf("sorted offsets[%d] = %d, want %d: offsets must be unique and contiguous", i, off, i)
		}
	}
	s := l.Stats()
	if s.End != int64(len(all)) {
		t.Fatalf("Stats().End = %d, want %d", s.End, len(all))
	}
	if s.Syncs > writers*perWriter {
		t.Fatalf("Stats().Syncs = %d for %d Sync calls", s.Syncs, writers*perWriter)
	}
	t.Logf("%d Sync calls from %d writers shared %d fsyncs", writers*perWriter, writers, s.Syncs)
	if n := len(readAll(t, l, 0)); n != len(all) {
		t.Fatalf("ReadFrom(0) returned %d records, want %d", n, len(all))
	}
}

// TestGroupCommit holds the flusher back until 32 writers have appended and asked for a sync:
// one fsync then covers them all.
func TestGroupCommit(t *testing.T) {
	t.Parallel()
	const writers = 32
	appended := make(chan struct{})
	var hookOnce sync.Once
	cfg := Config{Logger: testConfig(t).Logger}
	cfg.syncHook = func() { hookOnce.Do(func() { <-appended }) }
	l := mustOpen(t, t.TempDir(), cfg)

	var appends, syncs sync.WaitGroup
	appends.Add(writers)
	for w := range writers {
		syncs.Go(func() {
			first, err := l.Append(numbered(w, 1, 50))
			appends.Done()
			if err == nil {
				err = l.Sync(context.Background(), first)
			}
			if err != nil {
				t.Errorf("writer %d: %v", w, err)
			}
		})
	}
	appends.Wait()
	close(appended)
	syncs.Wait()
	if s := l.Stats(); s.Syncs != 1 {
		t.Fatalf("Stats().Syncs = %d after %d concurrent Sync calls, want 1", s.Syncs, writers)
	}
}

// TestSyncWhileAppending checks that a Sync only waits for what it asked for, while other
// goroutines keep appending.
func TestSyncWhileAppending(t *testing.T) {
	t.Parallel()
	l := mustOpen(t, t.TempDir(), Config{Logger: testConfig(t).Logger})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			if _, err := l.Append(numbered(i, 1, 100)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Go(func() {
		for range 2_000 {
			from := max(l.End()-3, 0)
			next := from
			err := l.ReadFrom(from, func(r store.Record) error {
				if r.Offset != next {
					t.Errorf("ReadFrom(%d) returned offset %d, want %d", from, r.Offset, next)
				}
				next++
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}
	})
	for range 50 {
		first := mustAppend(t, l, numbered(0, 1, 10)...)
		if err := l.Sync(ctx, first); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	wg.Wait()
}
