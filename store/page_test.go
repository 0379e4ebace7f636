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
