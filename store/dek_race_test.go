package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/accord-registry/accord/store"
)

// TestConcurrentKeyCreation: of many concurrent creations of one KEK, and of one DEK, exactly
// one succeeds and the others are 409; a DEK created while its KEK is soft-deleted either
// came first (and the delete is 42272) or finds no KEK (40470), never both done.
func TestConcurrentKeyCreation(t *testing.T) {
	ctx := context.Background()
	st, _ := openKeys(t, t.TempDir(), store.Config{KMS: &lockedKMS{}})
	const n = 16
	codes := func(run func(i int) error) map[store.Code]int {
		var mu sync.Mutex
		out := map[store.Code]int{}
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := run(i)
				var se *store.Error
				code := store.Code(0)
				if errors.As(err, &se) {
					code = se.Code
				} else if err != nil {
					code = -1
				}
				mu.Lock()
				out[code]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		return out
	}
	got := codes(func(int) error { _, err := st.CreateKek(ctx, localKek("k")); return err })
	if got[0] != 1 || got[store.CodeKeyExists] != n-1 {
		t.Fatalf("concurrent KEK creations: %v", got)
	}
	got = codes(func(i int) error {
		_, err := st.CreateDek(ctx, "k", store.CreateDek{Subject: "s", EncryptedKeyMaterial: ptr(fmt.Sprintf("AAA%d", i%10))})
		return err
	})
	if got[0] != 1 || got[store.CodeKeyExists] != n-1 {
		t.Fatalf("concurrent DEK creations: %v", got)
	}
	shared := localKek("shared")
	shared.Shared = true
	if _, err := st.CreateKek(ctx, shared); err != nil {
		t.Fatal(err)
	}
	got = codes(func(i int) error {
		switch i % 3 {
		case 0:
			_, err := st.CreateDek(ctx, "shared", store.CreateDek{Subject: "s"})
			return err
		case 1:
			_, err := st.CreateDek(ctx, "shared", store.CreateDek{Subject: "s", Rewrap: true})
			return err
		}
		_, err := st.Dek(ctx, "shared", "s", "", store.Latest, false)
		return err
	})
	if got[-1] != 0 || got[store.CodeDekGeneration] != 0 || got[0] == 0 {
		t.Fatalf("shared DEK creations, rewraps and reads: %v", got)
	}
	for round := range 20 {
		subject := fmt.Sprintf("r%d", round)
		kek := fmt.Sprintf("d%d", round)
		if _, err := st.CreateKek(ctx, localKek(kek)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var createErr, deleteErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, createErr = st.CreateDek(ctx, kek, store.CreateDek{Subject: subject, EncryptedKeyMaterial: ptr("AAAA")})
		}()
		go func() { defer wg.Done(); deleteErr = st.DeleteKek(ctx, kek, false) }()
		wg.Wait()
		switch {
		case createErr == nil && deleteErr == nil:
			t.Fatalf("round %d: a DEK was created and its KEK soft-deleted", round)
		case createErr == nil:
			wantKeyCode(t, "delete after create", deleteErr, store.CodeKeyReferenceExists)
		case deleteErr == nil:
			wantKeyCode(t, "create after delete", createErr, store.CodeKeyNotFound)
		default:
			t.Fatalf("round %d: both failed: %v; %v", round, createErr, deleteErr)
		}
	}
}

// lockedKMS is fakeKMS safe for concurrent use.
type lockedKMS struct {
	mu  sync.Mutex
	kms fakeKMS
}

func (l *lockedKMS) Encrypt(ctx context.Context, kmsType, keyID string, props map[string]string, plain []byte) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.kms.Encrypt(ctx, kmsType, keyID, props, plain)
}

func (l *lockedKMS) Decrypt(ctx context.Context, kmsType, keyID string, props map[string]string, wrapped []byte) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.kms.Decrypt(ctx, kmsType, keyID, props, wrapped)
}
