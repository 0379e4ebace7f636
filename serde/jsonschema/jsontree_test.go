package jsonschema_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/serde/jsonschema"
)

func TestJSONTreeRoundTrip(t *testing.T) {
	body := []byte(`{"id":9007199254740993,"price":1.25,"neg":-3,"exp":1e3,"tags":["a",{"n":null,"ok":true}]}`)
	tree, err := jsonschema.DecodeJSONTree(body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": int64(9007199254740993), "price": 1.25, "neg": int64(-3), "exp": float64(1000),
		"tags": []any{"a", map[string]any{"n": nil, "ok": true}}}
	if d := cmp.Diff(want, tree); d != "" {
		t.Fatalf("tree (-want +got):\n%s", d)
	}
	out, err := jsonschema.EncodeJSONTree(tree)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"exp":1000,"id":9007199254740993,"neg":-3,"price":1.25,"tags":["a",{"n":null,"ok":true}]}`; string(out) != want {
		t.Fatalf("encoded %s, want %s", out, want)
	}
}

func TestDecodeJSONTreeErrors(t *testing.T) {
	for _, body := range []string{``, `{"a":`, `{} {}`, `1e400`} {
		if tree, err := jsonschema.DecodeJSONTree([]byte(body)); err == nil {
			t.Errorf("%q decoded as %v", body, tree)
		}
	}
}
