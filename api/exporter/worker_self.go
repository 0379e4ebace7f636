package exporter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/accord-registry/accord/store"
)

// checkNotSource refuses a destination that is this registry itself, under whatever
// spelling of its URL (localhost or an address, a trailing slash, another instance of the
// same cluster, one URL among several): an exporter must never write to its source, and
// one that copied ":*:" into itself would copy its own copies without end. It asks every
// URL for this exporter's status: only the registry that keeps this exporter answers with
// its very state (name, state, offset and the millisecond of its last change). A URL that
// does not answer, or answers anything else, is another registry as far as can be told.
func (w *worker) checkNotSource(ctx context.Context, dest *Destination, st store.ExporterState) error {
	for _, one := range dest.each() {
		var remote store.ExporterState
		if one.Do(ctx, http.MethodGet, "/exporters/"+url.PathEscape(w.name)+"/status", nil, &remote) != nil {
			continue
		}
		if remote.Name == st.Name && remote.State == st.State && remote.Offset == st.Offset && remote.TS == st.TS {
			return permanentError{fmt.Errorf("the destination %s is this registry itself: an exporter never writes to its source; set %s to another registry", one.urls[0], keyURL)}
		}
	}
	return nil
}
