package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
)

// TestListPageCostsItsSize registers 2,000 subjects and checks that a page of /subjects and
// of /schemas?subjectPrefix= looks at the subjects it returns or skips, not at every subject:
// the Keep filter, called once per subject considered, counts the work.
func TestListPageCostsItsSize(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	const n = 2000
	for i := range n {
		subject := fmt.Sprintf("page-%04d", i)
		if i%2 == 1 {
			subject = fmt.Sprintf("other-%04d", i)
		}
		if _, err := st.Register(ctx, subject, store.SchemaRequest{Type: compat.TypeAvro, ID: -1,
			Schema: fmt.Sprintf(`{"type":"fixed","name":"F%d","size":4}`, i)}, false); err != nil {
			t.Fatal(err)
		}
	}
	considered := 0
	counting := func(string) bool { considered++; return true }

	subjects, err := st.Subjects(ctx, store.SubjectsOptions{Page: store.Page{Offset: 20, Limit: 10, Keep: counting}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"other-0041", "other-0043", "other-0045", "other-0047", "other-0049", "other-0051", "other-0053", "other-0055", "other-0057", "other-0059"}; !slices.Equal(subjects, want) {
		t.Errorf("GET /subjects?offset=20&limit=10 = %v, want %v", subjects, want)
	}
	if considered != 30 {
		t.Errorf("a page of 10 after 20 considered %d subjects, want 30", considered)
	}

	considered = 0
	schemas, err := st.Schemas(ctx, store.SchemasOptions{Prefix: "page-", Page: store.Page{Offset: 5, Limit: 3, Keep: counting}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range schemas {
		got = append(got, s.Subject)
	}
	if want := []string{"page-0010", "page-0012", "page-0014"}; !slices.Equal(got, want) {
		t.Errorf("GET /schemas?subjectPrefix=page-&offset=5&limit=3 = %v, want %v", got, want)
	}
	if considered != 8 {
		t.Errorf("a page of 3 after 5 considered %d subjects, want 8", considered)
	}

	considered = 0
	all, err := st.Subjects(ctx, store.SubjectsOptions{Prefix: "page-", Page: store.Page{Keep: counting}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n/2 || considered != n/2 {
		t.Errorf("every subject with the prefix: %d listed, %d considered, want %d and %d", len(all), considered, n/2, n/2)
	}
}

// TestSubjectPagesSkipBlocksExactly: the default /subjects listing skips its offset a block of
// names at a time, counting the subjects whose versions are all soft-deleted out; every page
// must still be the same slice of the whole list, after soft deletes, hard deletes, a version
// soft-deleted alone and a subject registered again.
func TestSubjectPagesSkipBlocksExactly(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	const n = 1500
	register := func(i, v int) {
		t.Helper()
		fields := ""
		if v > 1 {
			fields = `{"name":"a","type":"int","default":0}`
		}
		if _, err := st.Register(ctx, fmt.Sprintf("s-%04d", i), store.SchemaRequest{Type: compat.TypeAvro, ID: -1,
			Schema: fmt.Sprintf(`{"type":"record","name":"R%d","fields":[%s]}`, i, fields)}, false); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		register(i, 1)
	}
	for i := 0; i < n; i += 7 {
		if _, err := st.DeleteSubject(ctx, fmt.Sprintf("s-%04d", i), false); err != nil {
			t.Fatal(err)
		}
		if i%21 == 0 {
			if _, err := st.DeleteSubject(ctx, fmt.Sprintf("s-%04d", i), true); err != nil {
				t.Fatal(err)
			}
		}
	}
	register(700, 2) // soft-deleted, then live again with a second version
	register(3, 2)
	if _, err := st.DeleteVersion(ctx, "s-0003", 2, false); err != nil { // live through version 1
		t.Fatal(err)
	}
	all, err := st.Subjects(ctx, store.SubjectsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := n - (n+6)/7 + 1; len(all) != want {
		t.Fatalf("%d subjects listed, want %d", len(all), want)
	}
	for _, offset := range []int{0, 1, 255, 256, 511, 512, 513, 900, len(all) - 3, len(all), len(all) + 5} {
		got, err := st.Subjects(ctx, store.SubjectsOptions{Page: store.Page{Offset: offset, Limit: 7}})
		if err != nil {
			t.Fatal(err)
		}
		want := all[min(offset, len(all)):min(offset+7, len(all))]
		if !slices.Equal(got, want) {
			t.Errorf("offset %d: %v, want %v", offset, got, want)
		}
	}
}
