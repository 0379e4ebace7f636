//go:build linux

package store_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
)

// TestDiskFullRecovers fills a real 1 MiB tmpfs through registrations, then grows it: reads
// go on throughout, Writable names the cause and clears by itself, writes recover without a
// restart, and after reopening exactly the acknowledged registrations are there.
func TestDiskFullRecovers(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("SKIPPED the real full-disk variant: mount -t tmpfs refused (%v: %s); filelog's TestWriteFailureRecovers injects the error instead", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})
	dir := filepath.Join(mnt, "data")
	st, fl, err := openDurable(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // before the unmount; both may be closed twice
		if st != nil {
			st.Close()
			fl.Close()
		}
	})
	ctx := context.Background()
	padding := fmt.Sprintf("%0900d", 0)
	req := func(i int) store.SchemaRequest {
		return store.SchemaRequest{Schema: fmt.Sprintf(`{"type":"record","name":"R%d","doc":"%s","fields":[]}`, i, padding), Type: compat.TypeAvro, ID: -1}
	}
	acked := 0
	for ; ; acked++ {
		if _, err := st.Register(ctx, fmt.Sprintf("s-%d", acked), req(acked), false); err != nil {
			wantCode(t, err, store.CodeStoreError)
			break
		}
	}
	failed := acked // s-<failed> was refused
	if st.Writable() == nil {
		t.Fatal("Writable() = nil on a full disk")
	}
	if _, err := st.Version(ctx, "s-0", 1, false); err != nil {
		t.Fatalf("a read on a full disk = %v", err)
	}
	if _, err := st.Version(ctx, fmt.Sprintf("s-%d", failed), 1, false); err == nil {
		t.Fatal("the refused registration is visible")
	}

	if out, err := exec.Command("mount", "-o", "remount,size=4m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v: %s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for st.Writable() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("Writable() still %v long after the disk grew", st.Writable())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := st.Register(ctx, "after", req(100000), false); err != nil {
		t.Fatalf("registration after the disk grew = %v", err)
	}
	st.Close()
	fl.Close()

	st, fl, err = openDurable(t, dir)
	if err != nil {
		t.Fatalf("reopening = %v", err)
	}
	for i := range acked {
		if _, err := st.Version(ctx, fmt.Sprintf("s-%d", i), 1, false); err != nil {
			t.Fatalf("acknowledged s-%d after reopening: %v", i, err)
		}
	}
	if _, err := st.Version(ctx, fmt.Sprintf("s-%d", failed), 1, false); err == nil {
		t.Fatal("the refused registration became visible after reopening")
	}
	if _, err := st.Version(ctx, "after", 1, false); err != nil {
		t.Fatalf("the registration after recovery: %v", err)
	}
}
