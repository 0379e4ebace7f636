package api

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// The DEK Registry (/dek-registry/v1), Confluent's DekRegistryResource: the keys of
// client-side field encryption, served from their own store (Config.Keys). Every handler
// checks its path parameters in Confluent's order (KEK name, subject, version) before it
// asks the store, so that a request wrong in several ways gets Confluent's error.

// dekPrefix is the DEK Registry's base path.
const dekPrefix = "/dek-registry/v1"

// keys returns the DEK Registry's store; an API built without one answers 404.
func (h *handlers) keys() (*store.Store, error) {
	if h.cfg.Keys == nil {
		return nil, errNotFound()
	}
	if !h.cfg.Keys.Ready() {
		return nil, echo.NewHTTPError(http.StatusServiceUnavailable, "Accord is catching up with its log and does not serve yet")
	}
	return h.cfg.Keys, nil
}

// kekRequest is the body of POST /keks (Confluent's CreateKekRequest).
type kekRequest struct {
	Name     string            `json:"name"`
	KmsType  *string           `json:"kmsType"`
	KmsKeyID *string           `json:"kmsKeyId"`
	KmsProps map[string]string `json:"kmsProps"`
	Doc      *string           `json:"doc"`
	Shared   bool              `json:"shared"`
	Deleted  bool              `json:"deleted"`
}

// dekRequest is the body of POST /keks/{name}/deks[/{subject}] (CreateDekRequest).
type dekRequest struct {
	Subject              string   `json:"subject"`
	Version              *wireInt `json:"version"`
	Algorithm            *string  `json:"algorithm"`
	EncryptedKeyMaterial *string  `json:"encryptedKeyMaterial"`
	Deleted              bool     `json:"deleted"`
}

// Every KEK the API answers is Redacted: no KMS credentials from its kmsProps.

// testedKek is the answer of POST /keks/{name}/test: Confluent answers with its stored
// KeyEncryptionKey, which carries its type and its record's offset.
type testedKek struct{ store.Kek }

func (t testedKek) MarshalJSON() ([]byte, error) {
	type fields struct {
		Name     string            `json:"name"`
		KmsType  string            `json:"kmsType"`
		KmsKeyID string            `json:"kmsKeyId"`
		KmsProps map[string]string `json:"kmsProps"`
		Doc      *string           `json:"doc,omitempty"`
		Shared   bool              `json:"shared"`
		Deleted  bool              `json:"deleted"`
		Type     string            `json:"type"`
		Offset   int64             `json:"offset"`
		TS       int64             `json:"ts"`
	}
	return json.Marshal(fields{t.Name, t.KmsType, t.KmsKeyID, t.KmsProps, t.Doc, t.Shared, t.Deleted, "KEK", t.Offset, t.TS})
}

func (h *handlers) listKeks(c echo.Context) error {
	st, err := h.keys()
	if err != nil {
		return err
	}
	names, err := st.KeksOfSubjects(c.Request().Context(), c.QueryParams()["subjectPrefix"], boolQuery(c, "deleted"),
		h.dekSubjectReadable(c))
	if err != nil {
		return err
	}
	names = h.readableKeks(c, names)
	return writeList(c, names)
}

// writeList pages a list and answers it, [] rather than null when empty.
func writeList[T any](c echo.Context, items []T) error {
	items, err := page(c, items, 0)
	if err != nil {
		return err
	}
	if items == nil {
		items = []T{}
	}
	return writeJSON(c, http.StatusOK, items)
}

func (h *handlers) getKek(c echo.Context) error {
	st, name, err := h.kekPath(c)
	if err != nil {
		return err
	}
	kek, err := st.Kek(c.Request().Context(), name, boolQuery(c, "deleted"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, kek.Redacted())
}

func (h *handlers) createKek(c echo.Context) error {
	st, err := h.keys()
	if err != nil {
		return err
	}
	var body kekRequest
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	if err := h.allowKek(c, body.Name); err != nil {
		return err
	}
	if body.Shared {
		if err := h.allowSharing(c, body.Name); err != nil {
			return err
		}
	}
	kek, err := st.CreateKek(c.Request().Context(), store.CreateKek{Name: body.Name, KmsType: body.KmsType,
		KmsKeyID: body.KmsKeyID, KmsProps: body.KmsProps, Doc: body.Doc, Shared: body.Shared, Deleted: body.Deleted,
		TestSharing: boolQuery(c, "testSharing")})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, kek.Redacted())
}

func (h *handlers) updateKek(c echo.Context) error {
	st, name, err := h.kekPath(c)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := decodeBody(c, &fields); err != nil {
		return err
	}
	req := store.UpdateKek{TestSharing: boolQuery(c, "testSharing")}
	if err := optionalField(fields, "kmsProps", &req.KmsProps); err != nil {
		return err
	}
	if err := optionalField(fields, "doc", &req.Doc); err != nil {
		return err
	}
	if err := optionalField(fields, "shared", &req.Shared); err != nil {
		return err
	}
	if err := h.allowSharedUpdate(c, st, name, req); err != nil {
		return err
	}
	kek, err := st.UpdateKek(c.Request().Context(), name, req)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, kek.Redacted())
}

// optionalField reads a tri-state field of a PUT body: absent, null or a value.
func optionalField[T any](fields map[string]json.RawMessage, name string, out *store.Optional[T]) error {
	raw, ok := fields[name]
	if !ok {
		return nil
	}
	out.Set = true
	if string(raw) == "null" {
		return nil
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return errBadRequest(jsonMessage(err))
	}
	out.Value = &v
	return nil
}

func (h *handlers) deleteKek(c echo.Context) error {
	st, name, err := h.kekPath(c)
	if err != nil {
		return err
	}
	if err := st.DeleteKek(c.Request().Context(), name, boolQuery(c, "permanent")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) undeleteKek(c echo.Context) error {
	st, name, err := h.kekPath(c)
	if err != nil {
		return err
	}
	if err := st.UndeleteKek(c.Request().Context(), name); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) testKek(c echo.Context) error {
	st, name, err := h.kekPath(c)
	if err != nil {
		return err
	}
	kek, err := st.TestKek(c.Request().Context(), name)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, testedKek{Kek: kek.Redacted()})
}

// kekPath returns the store and the checked {name} of a KEK route.
func (h *handlers) kekPath(c echo.Context) (*store.Store, string, error) {
	st, err := h.keys()
	if err != nil {
		return nil, "", err
	}
	name, err := pathParam(c, "name")
	if err != nil {
		return nil, "", err
	}
	return st, name, store.CheckKekName(name)
}
