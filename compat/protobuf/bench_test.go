package protobuf_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/compat/internal/compattest"
)

// BenchmarkProtobufCheck checks a 200-field message against 100 versions under
// FULL_TRANSITIVE (parsed schemas reused).
func BenchmarkProtobufCheck(b *testing.B) {
	build := func(extra int) string {
		var sb strings.Builder
		sb.WriteString("syntax = \"proto3\";\npackage bench;\nmessage M {\n")
		for i := 1; i <= 200; i++ {
			fmt.Fprintf(&sb, "  int64 f%d = %d;\n", i, i)
		}
		for i := 0; i < extra; i++ {
			fmt.Fprintf(&sb, "  string x%d = %d;\n", i, 1000+i)
		}
		sb.WriteString("}\n")
		return sb.String()
	}
	var prev []compat.Previous
	for v := 0; v < 100; v++ {
		s, err := compat.Parse(compat.TypeProtobuf, build(v), nil, compat.ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		prev = append(prev, compat.Previous{Schema: s, Version: v + 1})
	}
	next, err := compat.Parse(compat.TypeProtobuf, build(100), nil, compat.ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if res := compattest.Checked(next, prev, compat.CheckOptions{Level: compat.LevelFullTransitive}); !res.Compatible {
			b.Fatalf("added fields are compatible, got %q", res.Messages) // so every version is checked
		}
	}
}
