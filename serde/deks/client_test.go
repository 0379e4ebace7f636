package deks

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/sr"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newClient(t *testing.T, cl *sr.Client, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(cl, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantSent(t *testing.T, f *fakeRegistry, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, f.sent()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestKEKAbsentThenCreated follows the produce side of Confluent's executors: a KEK that is
// not there is a 404 the caller can tell apart, the registration body is exactly the one
// Confluent's clients send, and the registered KEK is then served from the cache.
func TestKEKAbsentThenCreated(t *testing.T) {
	f, cl := newFake(t, false)
	c := newClient(t, cl)
	ctx := context.Background()

	_, err := c.KEK(ctx, "kek1", false)
	if !IsNotFound(err) || IsConflict(err) {
		t.Fatalf("KEK of an unknown name: %v, want a 404", err)
	}
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.ErrorCode != 40470 {
		t.Fatalf("error %v does not carry error_code 40470", err)
	}
	k, err := c.CreateKEK(ctx, CreateKEK{Name: "kek1", KMSType: "local-kms", KMSKeyID: "mykey"})
	if err != nil {
		t.Fatal(err)
	}
	if k.Name != "kek1" || k.KMSType != "local-kms" || k.KMSKeyID != "mykey" || k.Shared || k.TS == 0 {
		t.Errorf("created %+v", k)
	}
	if got, err := c.KEK(ctx, "kek1", false); err != nil || got.TS != k.TS {
		t.Errorf("KEK after create = %+v, %v", got, err)
	}
	wantSent(t, f,
		"GET /dek-registry/v1/keks/kek1?deleted=false",
		`POST /dek-registry/v1/keks {"name":"kek1","kmsType":"local-kms","kmsKeyId":"mykey","shared":false}`,
	)
}

// TestKEKDeletedIsAnotherKey checks that a consumer's read (deleted=true) is its own request
// and cache entry.
func TestKEKDeletedIsAnotherKey(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k", KMSType: "local-kms", KMSKeyID: "x", TS: 5, Deleted: true}
	c := newClient(t, cl)
	if _, err := c.KEK(context.Background(), "k", false); !IsNotFound(err) {
		t.Fatalf("soft-deleted KEK without deleted=true: %v, want 404", err)
	}
	for range 2 {
		if k, err := c.KEK(context.Background(), "k", true); err != nil || !k.Deleted {
			t.Fatalf("KEK(deleted) = %+v, %v", k, err)
		}
	}
	wantSent(t, f, "GET /dek-registry/v1/keks/k?deleted=false", "GET /dek-registry/v1/keks/k?deleted=true")
}

// TestCreateKEKOrGetOnConflict: when another client registered the KEK first, the registry
// answers 409 and the client reads the one that won.
func TestCreateKEKOrGetOnConflict(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k", KMSType: "local-kms", KMSKeyID: "first", TS: 7}
	c := newClient(t, cl)
	_, err := c.CreateKEK(context.Background(), CreateKEK{Name: "k", KMSType: "local-kms", KMSKeyID: "second"})
	if !IsConflict(err) {
		t.Fatalf("CreateKEK of an existing name: %v, want 409", err)
	}
	k, err := c.CreateKEKOrGet(context.Background(), CreateKEK{Name: "k", KMSType: "local-kms", KMSKeyID: "second"})
	if err != nil || k.KMSKeyID != "first" {
		t.Fatalf("CreateKEKOrGet = %+v, %v; want the KEK that won", k, err)
	}
	sent := f.sent()
	if len(sent) != 3 || sent[2] != "GET /dek-registry/v1/keks/k?deleted=false" {
		t.Errorf("requests %q", sent)
	}
}

// TestDEKVersionsAndLatest checks the query of a DEK read (algorithm and deleted, as Go and
// JavaScript send them), that Latest is its own cache entry, and that registering a DEK
// forgets the cached Latest so that a rotating producer sees its new version.
func TestDEKVersionsAndLatest(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k", KMSType: "local-kms", KMSKeyID: "x"}
	c := newClient(t, cl)
	ctx := context.Background()

	if _, err := c.DEK(ctx, "k", "orders-value", Latest, AES256GCM, false); !IsNotFound(err) {
		t.Fatalf("DEK before any: %v, want 404", err)
	}
	d1, err := c.CreateDEK(ctx, "k", CreateDEK{Subject: "orders-value", Version: 1, Algorithm: AES256GCM, EncryptedKeyMaterial: "AAAA"})
	if err != nil || d1.Version != 1 || d1.EncryptedKeyMaterial != "AAAA" {
		t.Fatalf("CreateDEK = %+v, %v", d1, err)
	}
	latest, err := c.DEK(ctx, "k", "orders-value", Latest, AES256GCM, false)
	if err != nil || latest.Version != 1 {
		t.Fatalf("Latest = %+v, %v", latest, err)
	}
	if _, err := c.DEK(ctx, "k", "orders-value", 1, AES256GCM, false); err != nil {
		t.Fatal(err) // cached by CreateDEK: no request
	}
	if _, err := c.CreateDEK(ctx, "k", CreateDEK{Subject: "orders-value", Version: 2, Algorithm: AES256GCM, EncryptedKeyMaterial: "BBBB"}); err != nil {
		t.Fatal(err)
	}
	if latest, err = c.DEK(ctx, "k", "orders-value", Latest, AES256GCM, false); err != nil || latest.Version != 2 {
		t.Fatalf("Latest after a second version = %+v, %v", latest, err)
	}
	wantSent(t, f,
		"GET /dek-registry/v1/keks/k/deks/orders-value/versions/-1?algorithm=AES256_GCM&deleted=false",
		`POST /dek-registry/v1/keks/k/deks/orders-value {"subject":"orders-value","version":1,"algorithm":"AES256_GCM","encryptedKeyMaterial":"AAAA"}`,
		"GET /dek-registry/v1/keks/k/deks/orders-value/versions/-1?algorithm=AES256_GCM&deleted=false",
		`POST /dek-registry/v1/keks/k/deks/orders-value {"subject":"orders-value","version":2,"algorithm":"AES256_GCM","encryptedKeyMaterial":"BBBB"}`,
		"GET /dek-registry/v1/keks/k/deks/orders-value/versions/-1?algorithm=AES256_GCM&deleted=false",
	)
}

// TestDEKAlgorithmDefault: an empty algorithm is AES256_GCM, in the query and the cache key.
func TestDEKAlgorithmDefault(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k"}
	f.deks["k\x00s\x00AES256_GCM"] = []DEK{{KEKName: "k", Subject: "s", Version: 1, Algorithm: AES256GCM, EncryptedKeyMaterial: "AAAA"}}
	c := newClient(t, cl)
	for _, alg := range []Algorithm{"", AES256GCM} {
		if d, err := c.DEK(context.Background(), "k", "s", 1, alg, true); err != nil || d.EncryptedKeyMaterial != "AAAA" {
			t.Fatalf("DEK(%q) = %+v, %v", alg, d, err)
		}
	}
	wantSent(t, f, "GET /dek-registry/v1/keks/k/deks/s/versions/1?algorithm=AES256_GCM&deleted=true")
}

// TestSubjectEscaped: context-qualified subjects and subjects with slashes stay one path
// segment.
func TestSubjectEscaped(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k", Shared: true}
	c := newClient(t, cl)
	d, err := c.CreateDEK(context.Background(), "k", CreateDEK{Subject: ":.team:a/b c", Algorithm: AES256SIV})
	if err != nil || d.Subject != ":.team:a/b c" || d.KeyMaterial == "" {
		t.Fatalf("CreateDEK = %+v, %v", d, err)
	}
	if _, err := c.DEK(context.Background(), "k", ":.team:a/b c", Latest, AES256SIV, false); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f,
		`POST /dek-registry/v1/keks/k/deks/:.team:a%2Fb%20c {"subject":":.team:a/b c","algorithm":"AES256_SIV"}`,
		"GET /dek-registry/v1/keks/k/deks/:.team:a%2Fb%20c/versions/-1?algorithm=AES256_SIV&deleted=false",
	)
}

// TestCreateDEKFallsBackOn405: a registry without POST /keks/{kek}/deks/{subject} answers
// 405, and the client posts to the older /keks/{kek}/deks with the subject in the body, as
// Confluent's Python and JavaScript clients do.
func TestCreateDEKFallsBackOn405(t *testing.T) {
	f, cl := newFake(t, true)
	f.keks["k"] = KEK{Name: "k"}
	c := newClient(t, cl)
	d, err := c.CreateDEK(context.Background(), "k", CreateDEK{Subject: "s", Version: 1, Algorithm: AES256GCM, EncryptedKeyMaterial: "AAAA"})
	if err != nil || d.Subject != "s" || d.Version != 1 {
		t.Fatalf("CreateDEK = %+v, %v", d, err)
	}
	body := `{"subject":"s","version":1,"algorithm":"AES256_GCM","encryptedKeyMaterial":"AAAA"}`
	wantSent(t, f, "POST /dek-registry/v1/keks/k/deks/s "+body, "POST /dek-registry/v1/keks/k/deks "+body)
}

// TestCreateDEKOrGetOnConflict: another producer registered the version first; the client
// re-reads the version the caller names (Latest here, as with rotation).
func TestCreateDEKOrGetOnConflict(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k"}
	f.deks["k\x00s\x00AES256_GCM"] = []DEK{{KEKName: "k", Subject: "s", Version: 1, Algorithm: AES256GCM, EncryptedKeyMaterial: "WON"}}
	c := newClient(t, cl)
	req := CreateDEK{Subject: "s", Version: 1, Algorithm: AES256GCM, EncryptedKeyMaterial: "LOST"}
	if _, err := c.CreateDEK(context.Background(), "k", req); !IsConflict(err) {
		t.Fatalf("CreateDEK of an existing version: %v, want 409", err)
	}
	d, err := c.CreateDEKOrGet(context.Background(), "k", req, Latest)
	if err != nil || d.EncryptedKeyMaterial != "WON" {
		t.Fatalf("CreateDEKOrGet = %+v, %v", d, err)
	}
	sent := f.sent()
	if want := "GET /dek-registry/v1/keks/k/deks/s/versions/-1?algorithm=AES256_GCM&deleted=false"; sent[len(sent)-1] != want {
		t.Errorf("last request %q, want %q", sent[len(sent)-1], want)
	}
}

// TestErrorsKeepTheAnswer: a KMS failure of a shared KEK (500, 50070) and an unknown KEK on
// create (404) come back with their status and code, and are not cached.
func TestErrorsKeepTheAnswer(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k", Shared: true}
	c := newClient(t, cl)
	ctx := context.Background()
	f.fail["/dek-registry/v1/keks/k/deks/s/versions/1"] = http.StatusInternalServerError
	_, err := c.DEK(ctx, "k", "s", 1, AES256GCM, false)
	var re *sr.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 500 || re.ErrorCode != 50070 || IsNotFound(err) {
		t.Fatalf("DEK during a KMS failure: %v", err)
	}
	if _, err := c.DEK(ctx, "k", "s", 1, AES256GCM, false); !IsNotFound(err) {
		t.Fatalf("DEK after the failure: %v, want the registry asked again (404)", err)
	}
	if _, err := c.CreateDEK(ctx, "nokek", CreateDEK{Subject: "s", EncryptedKeyMaterial: "AAAA"}); !IsNotFound(err) {
		t.Fatalf("CreateDEK under an unknown KEK: %v, want 404", err)
	}
	if _, err := c.CreateKEK(ctx, CreateKEK{Name: "bad"}); status(err) != http.StatusUnprocessableEntity {
		t.Fatalf("CreateKEK without a key id: %v, want 422", err)
	}
	if got := len(f.sent()); got != 4 {
		t.Errorf("%d requests, want 4", got)
	}
}

// TestSetKeyMaterial: the raw key the executor unwrapped is kept with every cached copy of
// its DEK (the version and Latest), so the KMS is asked once.
func TestSetKeyMaterial(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k"}
	f.deks["k\x00s\x00AES256_GCM"] = []DEK{{KEKName: "k", Subject: "s", Version: 1, Algorithm: AES256GCM, EncryptedKeyMaterial: "AAAA"}}
	c := newClient(t, cl)
	ctx := context.Background()
	d, err := c.DEK(ctx, "k", "s", Latest, AES256GCM, false)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := d.KeyMaterialBytes(); raw != nil || err != nil {
		t.Fatalf("KeyMaterialBytes before unwrapping = %v, %v", raw, err)
	}
	if _, err := c.DEK(ctx, "k", "s", 1, AES256GCM, false); err != nil {
		t.Fatal(err)
	}
	c.SetKeyMaterial(d, []byte{1, 2, 3})
	for _, v := range []int{Latest, 1} {
		got, err := c.DEK(ctx, "k", "s", v, AES256GCM, false)
		raw, _ := got.KeyMaterialBytes()
		if err != nil || !slices.Equal(raw, []byte{1, 2, 3}) {
			t.Errorf("DEK(version %d) key material %v, %v", v, raw, err)
		}
	}
	if got := len(f.sent()); got != 2 {
		t.Errorf("%d requests, want 2", got)
	}
}

// TestCacheBoundedAndExpiring: the caches hold at most their capacity, and forget entries
// after the TTL when one is set.
func TestCacheBoundedAndExpiring(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["a"], f.keks["b"] = KEK{Name: "a"}, KEK{Name: "b"}
	now := time.Unix(0, 0)
	c := newClient(t, cl, CacheCapacity(1), CacheTTL(time.Minute), clock(func() time.Time { return now }))
	ctx := context.Background()
	for _, name := range []string{"a", "b", "b", "a"} {
		if _, err := c.KEK(ctx, name, false); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.keks.Len(); n != 1 {
		t.Errorf("cache holds %d KEKs, want 1", n)
	}
	now = now.Add(time.Minute)
	if _, err := c.KEK(ctx, "a", false); err != nil {
		t.Fatal(err)
	}
	if got := len(f.sent()); got != 4 {
		t.Errorf("%d requests, want 4 (a, b, a again after eviction, a after expiry)", got)
	}
}

// TestDefaultContextNotApplied: a registry client with a default schema context (franz-go's
// DefaultSchemaContext) prefixes schema paths with /contexts/...; DEK Registry paths must not
// be, nor carry its default parameters.
func TestDefaultContextNotApplied(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k"}
	scoped, err := sr.NewClient(append(cl.Opts(), sr.DefaultSchemaContext(".team"), sr.DefaultParams(sr.Normalize))...)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, scoped)
	if _, err := c.KEK(context.Background(), "k", false); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "GET /dek-registry/v1/keks/k?deleted=false")
}

// TestConcurrentMissesShareOneRequest: many goroutines that miss the same DEK make one
// request.
func TestConcurrentMissesShareOneRequest(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k"}
	f.deks["k\x00s\x00AES256_GCM"] = []DEK{{KEKName: "k", Subject: "s", Version: 1, Algorithm: AES256GCM, EncryptedKeyMaterial: "AAAA"}}
	c := newClient(t, cl)
	block := make(chan struct{})
	f.mu.Lock() // holds the fake's handlers until every goroutine has asked
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := c.DEK(context.Background(), "k", "s", 1, AES256GCM, false)
			errs <- err
		}()
	}
	go func() { time.Sleep(50 * time.Millisecond); f.mu.Unlock(); close(block) }()
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	<-block
	if got := len(f.sent()); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

// TestUnreachableRegistry: a registry that cannot be reached is an error that is neither
// "absent" nor "conflict", so the executor does not create keys on a network failure.
func TestUnreachableRegistry(t *testing.T) {
	cl, err := sr.NewClient(sr.URLs("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, cl)
	_, err = c.KEK(context.Background(), "k", false)
	if err == nil || IsNotFound(err) || IsConflict(err) {
		t.Fatalf("KEK from an unreachable registry: %v", err)
	}
	_, err = c.CreateDEKOrGet(context.Background(), "k", CreateDEK{Subject: "s", EncryptedKeyMaterial: "AAAA"}, 1)
	if err == nil || IsConflict(err) {
		t.Fatalf("CreateDEKOrGet at an unreachable registry: %v", err)
	}
}

// TestCallerGivesUp: a caller whose context ends stops waiting; the request it started
// finishes and fills the cache for the next caller.
func TestCallerGivesUp(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k", TS: 9}
	c := newClient(t, cl)
	ctx, cancel := context.WithCancel(context.Background())
	f.mu.Lock() // the fake's handlers wait until the caller has given up
	cancel()
	_, err := c.KEK(ctx, "k", false)
	f.mu.Unlock()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("KEK with a cancelled context: %v", err)
	}
	if k, err := c.KEK(context.Background(), "k", false); err != nil || k.TS != 9 {
		t.Fatalf("KEK after = %+v, %v", k, err)
	}
	if got := len(f.sent()); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

// TestUndecodableAnswer: a 200 whose body is not a KEK is an error, and not cached.
func TestUndecodableAnswer(t *testing.T) {
	f, cl := newFake(t, false)
	f.keks["k"] = KEK{Name: "k"}
	c := newClient(t, cl)
	f.fail["/dek-registry/v1/keks/k"] = http.StatusOK
	if _, err := c.KEK(context.Background(), "k", false); err == nil {
		t.Fatal("KEK decoded an answer that is not one")
	}
	if _, err := c.KEK(context.Background(), "k", false); err != nil {
		t.Fatal(err)
	}
}
