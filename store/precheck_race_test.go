package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestKeptParsesRaceWithLookups: while registrations on a shared log are read back live (the
// reader keeping each schema's parse in the cache, precheck.go) and preparsed (preparse.go),
// other clients look the same texts up and check compatibility against the subject. Under
// -race this pins that the cache and the versions the reader hands over are shared safely;
// every lookup of a registered text finds it.
func TestKeptParsesRaceWithLookups(t *testing.T) {
	s := openMemShared(t, newMemShared())
	ctx := context.Background()
	const n = 40
	text := func(i int) string {
		return fmt.Sprintf(`{"type":"record","name":"R","fields":[{"name":"f%d","type":"int","default":0}]}`, i)
	}
	registered := make(chan int, n)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(registered)
		for i := range n {
			if _, err := s.Register(ctx, "s", avroReq(text(i)), false); err != nil {
				t.Errorf("register %d: %v", i, err)
				return
			}
			registered <- i
		}
	})
	for range 3 {
		wg.Go(func() {
			for i := range registered {
				if _, err := s.Lookup(ctx, "s", avroReq(text(i)), false, false); err != nil {
					t.Errorf("lookup of registered text %d: %v", i, err)
				}
				if _, err := s.CheckCompatibility(ctx, "s", avroReq(text(i+1)), CheckOptions{}); err != nil {
					t.Errorf("compatibility of text %d: %v", i+1, err)
				}
			}
		})
	}
	wg.Wait()
}
