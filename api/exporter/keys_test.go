package exporter_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/accord-registry/accord/api/exporter"
	"github.com/accord-registry/accord/serde/sertest"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

func ptr[T any](v T) *T { return &v }

// openKeys opens a DEK Registry store on a file log, without a KMS: copying keys needs none.
func openKeys(t *testing.T) *store.Store {
	t.Helper()
	fl, err := filelog.Open(t.TempDir(), filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{Log: fl})
	if err != nil {
		fl.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(); fl.Close() })
	return st
}

// writeCounter is a proxy in front of a registry that counts the requests that are not GETs.
type writeCounter struct {
	mu     sync.Mutex
	writes []string
}

func (wc *writeCounter) start(t *testing.T, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	transport := &http.Transport{}
	proxy.Transport = transport
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			wc.mu.Lock()
			wc.writes = append(wc.writes, r.Method+" "+r.URL.RequestURI())
			wc.mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { srv.Close(); transport.CloseIdleConnections() })
	return srv.URL
}

// take returns the writes counted since the last call.
func (wc *writeCounter) take() []string {
	wc.mu.Lock()
	defer wc.mu.Unlock()
	w := wc.writes
	wc.writes = nil
	return w
}

type keyFixture struct {
	t    *testing.T
	ctx  context.Context
	src  *store.Store
	dest *exporter.Destination
	wc   *writeCounter
	reg  *sertest.Registry
}

func (f *keyFixture) kek(name string, shared bool) {
	f.t.Helper()
	if _, err := f.src.CreateKek(f.ctx, store.CreateKek{Name: name, KmsType: ptr("local-kms"), KmsKeyID: ptr("key-" + name),
		KmsProps: map[string]string{"p": "1"}, Doc: ptr("doc of " + name), Shared: shared}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *keyFixture) dek(kek, subject, alg string, version int, deleted bool) {
	f.t.Helper()
	material := "bWF0ZXJpYWwt" + strings.ToLower(kek+alg) + "-" + string(rune('0'+version))
	if _, err := f.src.CreateDek(f.ctx, kek, store.CreateDek{Subject: subject, Version: version, Algorithm: alg,
		EncryptedKeyMaterial: &material, Deleted: deleted}); err != nil {
		f.t.Fatal(err)
	}
}

// copy copies the keys and checks that the writes made are those counted and number want.
func (f *keyFixture) copy(subjects map[string]string, want int) {
	f.t.Helper()
	n, err := exporter.CopyKeys(f.ctx, f.dest, f.src, subjects, "dr_${kek}")
	writes := f.wc.take()
	if err != nil || n != want || len(writes) != want {
		f.t.Fatalf("copied with %d writes (%d seen: %v), %v; want %d", n, len(writes), writes, err, want)
	}
}

// get reads the destination.
func (f *keyFixture) get(path string, out any) error {
	return f.dest.Do(f.ctx, http.MethodGet, "/dek-registry/v1"+path, nil, out)
}

func newKeyFixture(t *testing.T) *keyFixture {
	reg := sertest.New(t)
	wc := &writeCounter{}
	return &keyFixture{t: t, ctx: context.Background(), src: openKeys(t), reg: reg,
		dest: newDestination(t, map[string]string{"schema.registry.url": wc.start(t, reg.URL())}), wc: wc}
}

// TestCopyKeys checks that the KEKs and DEKs of the exported subjects are copied, renamed
// and under the destination subjects, with their key material, versions and soft
// deletions; that a second copy writes nothing; and that changes of the source are
// followed.
func TestCopyKeys(t *testing.T) {
	f := newKeyFixture(t)
	f.kek("k1", false)
	f.kek("k2", true) // shared: its DEKs are copied without a KMS on either side
	f.kek("k3", false)
	f.dek("k1", "s", "", 1, false)
	f.dek("k1", "s", "", 2, false)
	f.dek("k1", "s", store.DekAES256SIV, 1, false)
	f.dek("k1", ":.ctx:t", "", 1, true)
	f.dek("k1", "other", "", 1, false)
	f.dek("k2", "s", "", 1, false)
	f.dek("k3", "other", "", 1, false)
	if err := f.src.DeleteDek(f.ctx, "k1", "s", "", 1, false); err != nil {
		t.Fatal(err)
	}
	subjects := map[string]string{"s": ":.dr:s", ":.ctx:t": ":.dr:t"}

	f.copy(map[string]string{"none": "none"}, 0)
	if n := f.reg.Requests(); n != 0 {
		t.Errorf("%d requests to copy subjects without keys, want none", n)
	}
	f.copy(subjects, 7) // 2 KEKs, 5 DEK versions
	var keks []string
	if err := f.get("/keks?deleted=true", &keks); err != nil || !slices.Equal(keks, []string{"dr_k1", "dr_k2"}) {
		t.Fatalf("KEKs %v, %v", keks, err)
	}
	var kek store.Kek
	if err := f.get("/keks/dr_k2", &kek); err != nil || kek.KmsKeyID != "key-k2" || !kek.Shared || kek.KmsProps["p"] != "1" || *kek.Doc != "doc of k2" {
		t.Fatalf("KEK %+v, %v", kek, err)
	}
	var deks []string
	if err := f.get("/keks/dr_k1/deks?deleted=true", &deks); err != nil || !slices.Equal(deks, []string{":.dr:s", ":.dr:t"}) {
		t.Fatalf("DEK subjects %v, %v", deks, err)
	}
	source, _ := f.src.Dek(f.ctx, "k1", "s", "", 2, false)
	var dek store.Dek
	if err := f.get("/keks/dr_k1/deks/:.dr:s/versions/2", &dek); err != nil || dek.EncryptedKeyMaterial != source.EncryptedKeyMaterial {
		t.Fatalf("DEK %+v, %v", dek, err)
	}
	f.wantVersions("dr_k1", ":.dr:s", "AES256_GCM", []int{2}, []int{1, 2})
	f.wantVersions("dr_k1", ":.dr:t", "AES256_GCM", []int{}, []int{1})
	f.wantVersions("dr_k1", ":.dr:s", "AES256_SIV", []int{1}, []int{1})
	f.wantVersions("dr_k2", ":.dr:s", "AES256_GCM", []int{1}, []int{1})

	f.copy(subjects, 0)

	if err := f.src.UndeleteDek(f.ctx, "k1", "s", "", 1); err != nil {
		t.Fatal(err)
	}
	if err := f.src.DeleteDek(f.ctx, "k1", "s", "", 2, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.src.UpdateKek(f.ctx, "k1", store.UpdateKek{Doc: store.Optional[string]{Set: true, Value: ptr("new doc")}}); err != nil {
		t.Fatal(err)
	}
	f.copy(subjects, 3) // undelete, delete, KEK update
	f.wantVersions("dr_k1", ":.dr:s", "AES256_GCM", []int{1}, []int{1, 2})
	if err := f.get("/keks/dr_k1", &kek); err != nil || *kek.Doc != "new doc" {
		t.Fatalf("KEK %+v, %v", kek, err)
	}
	f.copy(subjects, 0)

	f.dek("k1", "s", "", 3, false)
	f.copy(subjects, 1)
	for _, permanent := range []bool{false, true} {
		if err := f.src.DeleteDek(f.ctx, "k1", "s", "", 3, permanent); err != nil {
			t.Fatal(err)
		}
	}
	f.copy(subjects, 2) // deleted for good: soft, then permanent
	f.wantVersions("dr_k1", ":.dr:s", "AES256_GCM", []int{1}, []int{1, 2})
	f.copy(subjects, 0)

	if err := f.src.DeleteDeks(f.ctx, "k2", "s", "", false); err != nil {
		t.Fatal(err)
	}
	if err := f.src.DeleteKek(f.ctx, "k2", false); err != nil {
		t.Fatal(err)
	}
	f.copy(subjects, 2) // the DEK, then the KEK soft-deleted
	if err := f.get("/keks/dr_k2", &kek); !isStatus(err, 404) {
		t.Fatalf("soft-deleted KEK: %+v, %v", kek, err)
	}
	if err := f.get("/keks/dr_k2?deleted=true", &kek); err != nil || !kek.Deleted {
		t.Fatalf("soft-deleted KEK: %+v, %v", kek, err)
	}
	f.copy(subjects, 0)
}

// wantVersions checks the destination's live and all versions of a DEK.
func (f *keyFixture) wantVersions(kek, subject, alg string, live, all []int) {
	f.t.Helper()
	for _, c := range []struct {
		deleted bool
		want    []int
	}{{false, live}, {true, all}} {
		var got []int
		path := "/keks/" + kek + "/deks/" + subject + "/versions?algorithm=" + alg + "&deleted=" + map[bool]string{true: "true", false: "false"}[c.deleted]
		if err := f.get(path, &got); err != nil || !slices.Equal(got, c.want) {
			f.t.Errorf("%s: %v, %v; want %v", path, got, err, c.want)
		}
	}
}

func isStatus(err error, status int) bool {
	de, ok := errors.AsType[*exporter.DestinationError](err)
	return ok && de.Status == status
}

// TestCopyKeysConflicts checks that a destination key that is not a copy is an error
// naming it: a KEK of another KMS key, a DEK version of other key material.
func TestCopyKeysConflicts(t *testing.T) {
	f := newKeyFixture(t)
	f.kek("k1", false)
	f.dek("k1", "s", "", 1, false)
	other := map[string]any{"name": "dr_k1", "kmsType": "local-kms", "kmsKeyId": "another"}
	if err := f.dest.Do(f.ctx, http.MethodPost, "/dek-registry/v1/keks", other, nil); err != nil {
		t.Fatal(err)
	}
	f.wc.take()
	_, err := exporter.CopyKeys(f.ctx, f.dest, f.src, map[string]string{"s": "s"}, "dr_${kek}")
	if err == nil || !strings.Contains(err.Error(), "dr_k1") || !strings.Contains(err.Error(), "another KMS key") {
		t.Fatalf("got %v", err)
	}

	f.kek("k2", false)
	f.dek("k2", "t", "", 1, false)
	f.copy(map[string]string{"t": "t"}, 2)
	if err := f.src.DeleteDek(f.ctx, "k2", "t", "", 1, false); err != nil {
		t.Fatal(err)
	}
	if err := f.src.DeleteDek(f.ctx, "k2", "t", "", 1, true); err != nil {
		t.Fatal(err)
	}
	material := "bmV3IG1hdGVyaWFs"
	if _, err := f.src.CreateDek(f.ctx, "k2", store.CreateDek{Subject: "t", EncryptedKeyMaterial: &material}); err != nil {
		t.Fatal(err)
	}
	_, err = exporter.CopyKeys(f.ctx, f.dest, f.src, map[string]string{"t": "t"}, "dr_${kek}")
	if err == nil || !strings.Contains(err.Error(), "DEK of t version 1") || !strings.Contains(err.Error(), "other key material") {
		t.Fatalf("got %v", err)
	}
	if writes := f.wc.take(); len(writes) != 0 {
		t.Errorf("writes %v", writes)
	}
}
