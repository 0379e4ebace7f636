package kms

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// fakeDriver "wraps" by prefixing the key id; keys listed in broken fail every operation,
// keys in unopenable cannot be opened at all. It counts the keys it opened.
type fakeDriver struct {
	broken, unopenable []string
	opened             []string
}

func (*fakeDriver) Type() string { return "fake-kms" }

func (d *fakeDriver) AEAD(_ context.Context, id string, _ map[string]string) (tink.AEAD, error) {
	if slices.Contains(d.unopenable, id) {
		return nil, errors.New("no credentials for " + id)
	}
	d.opened = append(d.opened, id)
	return fakeAEAD{id: id, broken: slices.Contains(d.broken, id)}, nil
}

type fakeAEAD struct {
	id     string
	broken bool
}

func (a fakeAEAD) Encrypt(p, _ []byte) ([]byte, error) {
	if a.broken {
		return nil, errors.New("kms unavailable")
	}
	return append([]byte(a.id+":"), p...), nil
}

func (a fakeAEAD) Decrypt(c, _ []byte) ([]byte, error) {
	if a.broken {
		return nil, errors.New("kms unavailable")
	}
	if !bytes.HasPrefix(c, []byte(a.id+":")) {
		return nil, errors.New("wrong key")
	}
	return c[len(a.id)+1:], nil
}

func TestLookup(t *testing.T) {
	d := &fakeDriver{}
	set := NewDrivers(d)
	for _, typ := range []string{"fake-kms", "FAKE-KMS"} {
		if got, err := set.Lookup(typ); err != nil || got != d {
			t.Errorf("Lookup(%q) = %v, %v", typ, got, err)
		}
	}
	if _, err := set.Lookup("gcp-kms"); !errors.Is(err, ErrUnknownType) || !strings.Contains(err.Error(), `"gcp-kms"`) {
		t.Errorf("Lookup of a type without driver: %v", err)
	}
	if _, err := set.AEAD(context.Background(), "azure-kms", "k", nil, nil); !errors.Is(err, ErrUnknownType) {
		t.Errorf("AEAD of a type without driver: %v", err)
	}
}

// TestKeyIDs: the KEK's own key first, then the alternates of its kmsProps, which win over
// those of the rule configuration, blanks dropped.
func TestKeyIDs(t *testing.T) {
	for _, c := range []struct {
		name          string
		props, config map[string]string
		want          []string
	}{
		{"none", nil, nil, []string{"k0"}},
		{"config", nil, map[string]string{AlternateKeyIDs: "k1, k2"}, []string{"k0", "k1", "k2"}},
		{"props win", map[string]string{AlternateKeyIDs: "p1"}, map[string]string{AlternateKeyIDs: "k1"}, []string{"k0", "p1"}},
		{"blanks", map[string]string{AlternateKeyIDs: " p1 ,, p2 ,"}, nil, []string{"k0", "p1", "p2"}},
		{"other props", map[string]string{"x": "y"}, map[string]string{AlternateKeyIDs: "k1"}, []string{"k0", "k1"}},
	} {
		if diff := cmp.Diff(c.want, KeyIDs("k0", c.props, c.config)); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", c.name, diff)
		}
	}
}

// TestAlternatesDecrypt: a DEK wrapped with an alternate key opens after the KEK's own key
// fails, and a key that cannot be opened is skipped like one that fails.
func TestAlternatesDecrypt(t *testing.T) {
	d := &fakeDriver{unopenable: []string{"k1"}}
	a, err := NewDrivers(d).AEAD(context.Background(), "fake-kms", "k0", map[string]string{AlternateKeyIDs: "k1,k2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got, err := a.Decrypt([]byte("k2:dek"), nil)
		if err != nil || string(got) != "dek" {
			t.Fatalf("Decrypt = %q, %v", got, err)
		}
	}
	if diff := cmp.Diff([]string{"k0", "k2"}, d.opened); diff != "" {
		t.Errorf("keys opened (-want +got), each once:\n%s", diff)
	}
}

// TestAlternatesEncrypt: wrapping, too, falls back to the next key when the first fails, as
// Confluent's AeadWrapper does.
func TestAlternatesEncrypt(t *testing.T) {
	a := WithAlternates(context.Background(), &fakeDriver{broken: []string{"k0"}}, nil, "k0", "k1")
	got, err := a.Encrypt([]byte("dek"), nil)
	if err != nil || string(got) != "k1:dek" {
		t.Fatalf("Encrypt = %q, %v", got, err)
	}
}

// TestAlternatesAllFail: the error names every key and why it failed.
func TestAlternatesAllFail(t *testing.T) {
	a := WithAlternates(context.Background(), &fakeDriver{broken: []string{"k0"}, unopenable: []string{"k1"}}, nil, "k0", "k1")
	_, err := a.Decrypt([]byte("x:dek"), nil)
	if err == nil {
		t.Fatal("Decrypt succeeded with no good key")
	}
	for _, want := range []string{`"k0": kms unavailable`, `"k1": no credentials for k1`, "2 fake-kms keys"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// TestSingleKeyIsTheDriversAEAD: without alternates, opening fails at once, as the driver's.
func TestSingleKeyIsTheDriversAEAD(t *testing.T) {
	_, err := NewDrivers(&fakeDriver{unopenable: []string{"k0"}}).AEAD(context.Background(), "fake-kms", "k0", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("AEAD of an unopenable key: %v", err)
	}
}
