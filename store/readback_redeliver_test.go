package store

import (
	"context"
	"testing"
	"time"
)

// redeliveringShared is a memShared whose reader delivers every record a second time right
// after the first, as a reader that seeks back after a broker error or a rebalance may: the
// state skips the second delivery, being past its offset.
type redeliveringShared struct{ *memShared }

func (r redeliveringShared) Follow(ctx context.Context, fn func([]Record) []int64) error {
	return r.memShared.Follow(ctx, func(recs []Record) []int64 {
		return fn(append(recs[:len(recs):len(recs)], recs...))
	})
}

// TestRedeliveredRecordStaysAcknowledged: a write whose record the reader applied is
// acknowledged even when the reader delivers the record again before the write checks: the
// stale second delivery does not undo what the first did.
func TestRedeliveredRecordStaysAcknowledged(t *testing.T) {
	s, err := Open(context.Background(), Config{Shared: redeliveringShared{newMemShared()}, WriteTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(context.Background(), "s", avroReq(`"int"`), false); err != nil {
		t.Fatalf("a registration the reader applied, then delivered again: %v", err)
	}
}
