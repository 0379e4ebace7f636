package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api/auth"
	"github.com/accord-registry/accord/store"
)

// The DEK Registry's keys are resources of the policy (the `keks:` patterns of a rule):
//
//   - a KEK needs Read to be fetched or listed; Write to be created, updated, soft-deleted,
//     undeleted or tested (a test is what a create or update with testSharing does); Admin
//     to be deleted permanently, as for subjects;
//   - a DEK is a resource of its subject: its route needs, on the subject, Read to fetch
//     or list it, Write to create, soft-delete or undelete it and Admin to delete it
//     permanently, and Read on its KEK, which a DEK only uses. So a producer may create the
//     DEKs of its own subjects under a KEK that another team owns.
//
// A shared KEK is different: the registry itself calls its KMS, with its own credentials
// (VAULT_TOKEN, its AWS role, LOCAL_SECRET), and hands the unwrapped DEKs to whoever may read
// them. Whoever makes a KEK shared, or changes a shared KEK's properties (its alternate key
// ids), chooses the KMS keys those credentials are used on and, for hcvault, the server they
// are sent to; so that needs the global admin grant, like the registry's other settings.
// For the same reason a DEK that brings its own wrapped key under a shared KEK (an import)
// needs Admin on its subject, as does a rewrap that replaces a DEK's key with one it brings.
//
// A subject is checked in the spelling of the request and in the one the registry stores
// (`:.:orders` is `orders`); lists leave out what the caller may not read.

// authorizeKeys is authorize for the DEK Registry's routes.
func (h *handlers) authorizeKeys(c echo.Context, who string) error {
	path, method := c.Path(), c.Request().Method
	if path == dekPrefix+"/keks" {
		return nil // a list, filtered; a create, whose name the handler checks in the body
	}
	name, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	if !strings.Contains(path, "/deks") {
		return h.allowKekAccess(who, name, kekAccess(c))
	}
	if err := h.allowKekAccess(who, name, auth.Read); err != nil {
		return err
	}
	if !strings.Contains(path, ":subject") {
		return nil // the subjects of a KEK, filtered; the deprecated create, checked with its body
	}
	subject, err := pathParam(c, "subject")
	if err != nil {
		return err
	}
	return h.allowSubjectAccess(who, subject, dekAccess(method, boolQuery(c, "permanent")))
}

// kekAccess is what a KEK route needs.
func kekAccess(c echo.Context) auth.Access {
	switch c.Request().Method {
	case http.MethodGet, http.MethodHead:
		return auth.Read
	case http.MethodDelete:
		if boolQuery(c, "permanent") {
			return auth.Admin
		}
	}
	return auth.Write
}

// dekAccess is what a DEK route needs on its subject.
func dekAccess(method string, permanent bool) auth.Access {
	switch {
	case method == http.MethodGet || method == http.MethodHead:
		return auth.Read
	case method == http.MethodDelete && permanent:
		return auth.Admin
	}
	return auth.Write
}

func (h *handlers) allowKekAccess(who, name string, access auth.Access) error {
	if !h.cfg.Policy.KekAllowed(who, name, access) {
		return denied(access, "Kek: "+name)
	}
	return nil
}

func (h *handlers) allowSubjectAccess(who, subject string, access auth.Access) error {
	for _, s := range []string{subject, store.QualifiedSubject(subject)} {
		if !h.cfg.Policy.SubjectAllowed(who, s, access) {
			return denied(access, "Subject: "+subject)
		}
	}
	return nil
}

// restricted reports whether a policy restricts the request's principal.
func (h *handlers) restricted() bool { return h.cfg.Policy != nil && h.cfg.Policy.Restricts() }

// allowKek checks the Write a KEK's creation needs on the name its body gives.
func (h *handlers) allowKek(c echo.Context, name string) error {
	if !h.restricted() {
		return nil
	}
	return h.allowKekAccess(principal(c), name, auth.Write)
}

// allowDekSubject checks the Write the deprecated DEK creation needs on its body's subject.
func (h *handlers) allowDekSubject(c echo.Context, subject string) error {
	if !h.restricted() {
		return nil
	}
	return h.allowSubjectAccess(principal(c), subject, auth.Write)
}

// allowSharing checks the global admin grant that sharing a KEK needs.
func (h *handlers) allowSharing(c echo.Context, name string) error {
	if !h.restricted() || h.cfg.Policy.GlobalAllowed(principal(c), auth.Admin) {
		return nil
	}
	return denied(auth.Admin, "the registry's KMS credentials (shared Kek: "+name+")")
}

// allowSharedUpdate checks a PUT that makes a KEK shared, or changes the properties of a
// KEK that stays shared. A KEK it cannot read is left to the store's answer.
func (h *handlers) allowSharedUpdate(c echo.Context, st *store.Store, name string, req store.UpdateKek) error {
	if !h.restricted() {
		return nil
	}
	old, err := st.Kek(c.Request().Context(), name, false)
	if err != nil {
		return nil
	}
	shared := old.Shared
	if req.Shared.Set {
		shared = req.Shared.Value != nil && *req.Shared.Value
	}
	if shared && (!old.Shared || req.KmsProps.Set) {
		return h.allowSharing(c, name)
	}
	return nil
}

// allowOwnWrappedKey checks the Admin a DEK creation that brings its own wrapped key needs
// on its subject when it is a rewrap, or under a shared KEK:
//
//   - a rewrap with a wrapped key replaces an existing version's key, and every record
//     encrypted with the old one is lost for good, as by a permanent delete;
//   - the registry unwraps a shared KEK's DEKs for whoever may read them, so a wrapped key of
//     one's choosing would be unwrapped, for anyone who may write one subject, whatever key
//     the KEK's KMS key wrapped it (another team's DEK, taken from the topic or a backup).
//
// Clients do neither: they rewrap nothing, and the registry makes a shared KEK's keys; an
// import does.
func (h *handlers) allowOwnWrappedKey(c echo.Context, p dekPath, body dekRequest, rewrap bool) error {
	if !h.restricted() || body.EncryptedKeyMaterial == nil {
		return nil
	}
	if rewrap {
		return h.allowSubjectAccess(principal(c), p.subject, auth.Admin)
	}
	kek, err := p.st.Kek(c.Request().Context(), p.kek, body.Deleted)
	if err != nil || !kek.Shared {
		return nil // the store answers for a KEK that is not there
	}
	return h.allowSubjectAccess(principal(c), p.subject, auth.Admin)
}

// dekSubjectReadable is the filter of the subjects whose DEKs a KEK list by subject prefix
// may count: those the request's principal may read; nil when nothing is restricted.
func (h *handlers) dekSubjectReadable(c echo.Context) func(string) bool {
	if !h.restricted() {
		return nil
	}
	who := principal(c)
	return func(subject string) bool { return h.allowSubjectAccess(who, subject, auth.Read) == nil }
}

// readableKeks keeps the KEK names the request's principal may read.
func (h *handlers) readableKeks(c echo.Context, names []string) []string {
	if !h.restricted() {
		return names
	}
	out := names[:0:0]
	for _, n := range names {
		if h.cfg.Policy.KekAllowed(principal(c), n, auth.Read) {
			out = append(out, n)
		}
	}
	return out
}

// readableDekSubjects keeps the DEK subjects the request's principal may read.
func (h *handlers) readableDekSubjects(c echo.Context, subjects []string) []string {
	if !h.restricted() {
		return subjects
	}
	out := subjects[:0:0]
	for _, s := range subjects {
		if h.allowSubjectAccess(principal(c), s, auth.Read) == nil {
			out = append(out, s)
		}
	}
	return out
}
