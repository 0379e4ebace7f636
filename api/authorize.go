package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api/auth"
	"github.com/accord-registry/accord/store"
)

// Policy says what an authenticated principal may do (package auth reads it from the users
// file's rules).
type Policy interface {
	// Restricts is false when the policy allows everything, which spares the checks.
	Restricts() bool
	SubjectAllowed(principal, subject string, access auth.Access) bool
	GlobalAllowed(principal string, access auth.Access) bool
	// KekAllowed reports whether the principal may act on a KEK of the DEK Registry.
	KekAllowed(principal, kek string, access auth.Access) bool
}

// scope is what a route acts on, for the policy.
type scope int

const (
	scopeNone     scope = iota // anything an authenticated caller may use: types, metadata, contexts
	scopeSubject               // the {subject} of the path
	scopeGlobal                // the global config and mode
	scopeSchemaID              // the schema {id}: readable through any subject that has it
	scopeGUID                  // the schema {guid}: likewise
	scopeFiltered              // a list, filtered by the handler to what the caller may read
)

// requirement is what a route needs. Reads are Read; registrations and soft deletes Write;
// permanent deletes and config or mode changes Admin.
func requirement(c echo.Context) (scope, auth.Access) {
	method, path := c.Request().Method, c.Path()
	write := method != http.MethodGet && method != http.MethodHead
	switch {
	case path == "/subjects", path == "/schemas", path == "/schemas/ids/:id/subjects", path == "/schemas/ids/:id/versions":
		return scopeFiltered, auth.Read
	case path == "/schemas/ids/:id", path == "/schemas/ids/:id/schema":
		return scopeSchemaID, auth.Read
	case strings.HasPrefix(path, "/schemas/guids/"):
		return scopeGUID, auth.Read
	case path == "/config", path == "/mode", path == "/contexts/:context":
		return scopeGlobal, adminIf(write)
	case path == "/exporters", strings.HasPrefix(path, "/exporters/"):
		// An exporter copies every subject it names to a registry of its choosing, with
		// credentials in its config: it is a setting of the whole registry, read or written
		// with the global admin grant, as Confluent makes exporters a cluster resource.
		return scopeGlobal, auth.Admin
	case path == "/metrics":
		if principal(c) == "" { // served without credentials (MetricsAnonymous)
			return scopeNone, auth.Read
		}
		return scopeGlobal, auth.Read
	case strings.HasPrefix(path, "/config/"), strings.HasPrefix(path, "/mode/"):
		// The global, __GLOBAL and context-wide settings have spellings of their own
		// (`:.:`, `:.__GLOBAL:`, `:.ctx:`, and /contexts/{ctx}/config rewritten to those);
		// a context's settings are the defaults of every subject in it, so they need the
		// global grant too.
		if subject, err := pathParam(c, "subject"); err == nil && !store.IsSubjectSetting(subject) {
			return scopeGlobal, adminIf(write)
		}
		return scopeSubject, adminIf(write)
	case strings.HasPrefix(path, "/associations") && write:
		// The handlers check the subjects a request names; this is what the store's Guard
		// then asks of the subjects it resolves them to (alias targets).
		return scopeNone, auth.Write
	case strings.HasPrefix(path, "/compatibility/"):
		return scopeSubject, auth.Read
	case path == "/subjects/:subject" && method == http.MethodPost: // a lookup
		return scopeSubject, auth.Read
	case strings.HasPrefix(path, "/subjects/:subject"):
		switch {
		case method == http.MethodDelete && boolQuery(c, "permanent"):
			return scopeSubject, auth.Admin
		case write:
			return scopeSubject, auth.Write
		}
		return scopeSubject, auth.Read
	}
	return scopeNone, auth.Read
}

func adminIf(write bool) auth.Access {
	if write {
		return auth.Admin
	}
	return auth.Read
}

// authorize answers 403 (40301) to a request its principal may not make. Lists are not
// refused: their handlers leave out what the principal may not read.
//
// The subject a path names is checked here; the subject the store then serves (an alias's
// target, or the same name in another context) and the subjects a schema's references name
// are checked by the store, through the Guard installed here on every request's context,
// so that no route can serve a subject without it being authorized.
//
// A method no route has is let through to echo's 405 (or OPTIONS's 204): it serves nothing,
// and the route's requirement would be computed without its path parameters.
func (h *handlers) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !h.cfg.Policy.Restricts() || c.Get(echo.ContextKeyHeaderAllow) != nil {
			return next(c)
		}
		who := principal(c)
		if strings.HasPrefix(c.Path(), dekPrefix+"/") {
			if err := h.authorizeKeys(c, who); err != nil {
				return err
			}
			return next(c)
		}
		sc, access := requirement(c)
		req := c.Request()
		c.SetRequest(req.WithContext(store.WithGuard(req.Context(), policyGuard{h.cfg.Policy, who, access})))
		switch sc {
		case scopeSubject:
			subject, err := pathParam(c, "subject")
			if err != nil {
				return err
			}
			if !h.cfg.Policy.SubjectAllowed(who, subject, access) {
				return denied(access, "Subject: "+subject)
			}
		case scopeGlobal:
			if !h.cfg.Policy.GlobalAllowed(who, access) {
				what := "the global config and mode"
				switch {
				case c.Path() == "/metrics": // it needs the global grant, but is no setting
					what = "the metrics"
				case strings.HasPrefix(c.Path(), "/exporters"):
					what = "the exporters"
				}
				return denied(access, what)
			}
		case scopeSchemaID, scopeGUID:
			ok, err := h.schemaReadable(c, sc)
			if err != nil {
				return err
			}
			if !ok {
				return denied(access, "Schema: "+schemaName(c, sc))
			}
		}
		return next(c)
	}
}

// policyGuard is the store's view of a request's authorization: access is what the route
// needs on the subjects it serves.
type policyGuard struct {
	policy    Policy
	principal string
	access    auth.Access
}

func (g policyGuard) Allow(subject string) error { return g.check(subject, g.access) }

func (g policyGuard) AllowRead(subject string) error { return g.check(subject, auth.Read) }

func (g policyGuard) check(subject string, access auth.Access) error {
	if !g.policy.SubjectAllowed(g.principal, subject, access) {
		return denied(access, "Subject: "+subject)
	}
	return nil
}

// schemaReadable reports whether some subject holding the schema, soft-deleted versions
// included, is readable by the request's principal. An unknown id or GUID is let through,
// for the handler's 404.
func (h *handlers) schemaReadable(c echo.Context, sc scope) (bool, error) {
	ctx := c.Request().Context()
	var subjects []string
	if sc == scopeSchemaID {
		id, err := idParam(c)
		if err != nil {
			return false, err
		}
		svs, err := h.store.IDVersions(ctx, id, queryParam(c, "subject"), true)
		if err != nil {
			return true, nil
		}
		for _, sv := range svs {
			subjects = append(subjects, sv.Subject)
		}
	} else {
		ids, err := h.store.GUIDIDs(ctx, c.Param("guid"))
		if err != nil || len(ids) == 0 {
			return true, nil
		}
		for _, id := range ids {
			svs, err := h.store.IDVersions(ctx, id.ID, contextQualifier(id.Context), true)
			if err != nil {
				continue
			}
			for _, sv := range svs {
				subjects = append(subjects, sv.Subject)
			}
		}
	}
	for _, s := range subjects {
		if h.readable(c, s) {
			return true, nil
		}
	}
	return false, nil
}

// schemaName is how a refusal names the schema: its id or its GUID.
func schemaName(c echo.Context, sc scope) string {
	if sc == scopeGUID {
		return c.Param("guid")
	}
	return c.Param("id")
}

// contextQualifier is the subject qualifier that selects a context (":.ctx:"), "" for the
// default one.
func contextQualifier(context string) string {
	if context == "" || context == "." {
		return ""
	}
	return ":" + context + ":"
}

// readable reports whether the request's principal may read a subject; always, without a
// policy.
func (h *handlers) readable(c echo.Context, subject string) bool {
	return h.cfg.Policy == nil || !h.cfg.Policy.Restricts() || h.cfg.Policy.SubjectAllowed(principal(c), subject, auth.Read)
}

// readableOnly keeps the items whose subject the request's principal may read.
func readableOnly[T any](h *handlers, c echo.Context, items []T, subject func(T) string) []T {
	if h.cfg.Policy == nil || !h.cfg.Policy.Restricts() {
		return items
	}
	out := items[:0:0]
	for _, it := range items {
		if h.readable(c, subject(it)) {
			out = append(out, it)
		}
	}
	return out
}

// denied is the 403 of a refused operation, in the words of Confluent's RBAC.
func denied(access auth.Access, resource string) error {
	return &store.Error{Code: store.CodeForbidden, Message: fmt.Sprintf("User is denied operation %s on %s", access, resource)}
}
