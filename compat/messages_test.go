package compat

import (
	"strings"
	"testing"
)

func TestOldSchemaTruncation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", maxOldSchemaLength+5)
	got := oldSchemaEntry(long)
	want := "{oldSchema: <truncated> '" + strings.Repeat("é", maxOldSchemaLength) + "...'}"
	if got != want {
		t.Errorf("oldSchemaEntry: got %d bytes", len(got))
	}
	if got := oldSchemaEntry("x"); got != "{oldSchema: 'x'}" {
		t.Errorf("oldSchemaEntry(x) = %s", got)
	}
}

func TestJavaFormat(t *testing.T) {
	t.Parallel()
	if got := javaFormat("%s reads %s, 100%% %n%d", "new", "old"); got != "new reads old, 100% \n%d" {
		t.Errorf("javaFormat = %q", got)
	}
}
