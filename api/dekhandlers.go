package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// dekPath holds the checked path and query parameters of a DEK route.
type dekPath struct {
	st        *store.Store
	kek       string
	subject   string
	algorithm string // "" means AES256_GCM
	version   int
}

// dekParams checks {name}, {subject}, then {version} when the route has one, then the
// `algorithm` query parameter, whose unknown values are Jersey's 404.
func (h *handlers) dekParams(c echo.Context, withVersion bool) (dekPath, error) {
	st, kek, err := h.kekPath(c)
	if err != nil {
		return dekPath{}, err
	}
	p := dekPath{st: st, kek: kek}
	if p.subject, err = pathParam(c, "subject"); err != nil {
		return p, err
	}
	if err := store.CheckDekSubject(p.subject); err != nil {
		return p, err
	}
	if withVersion {
		if p.version, err = versionParam(c); err != nil {
			return p, err
		}
	}
	p.algorithm = queryParam(c, "algorithm")
	if p.algorithm != "" && !store.ValidDekAlgorithm(p.algorithm) {
		return p, errNotFound()
	}
	return p, nil
}

func (h *handlers) listDekSubjects(c echo.Context) error {
	st, kek, err := h.kekPath(c)
	if err != nil {
		return err
	}
	subjects, err := st.DekSubjects(c.Request().Context(), kek, boolQuery(c, "deleted"))
	if err != nil {
		return err
	}
	return writeList(c, h.readableDekSubjects(c, subjects))
}

func (h *handlers) listDekVersions(c echo.Context) error {
	p, err := h.dekParams(c, false)
	if err != nil {
		return err
	}
	versions, err := p.st.DekVersions(c.Request().Context(), p.kek, p.subject, p.algorithm, boolQuery(c, "deleted"))
	if err != nil {
		return err
	}
	return writeList(c, versions)
}

// getDek answers GET /keks/{name}/deks/{subject}: version 1, not the latest (Confluent).
func (h *handlers) getDek(c echo.Context) error {
	p, err := h.dekParams(c, false)
	if err != nil {
		return err
	}
	return h.writeDek(c, p, 1)
}

func (h *handlers) getDekVersion(c echo.Context) error {
	p, err := h.dekParams(c, true)
	if err != nil {
		return err
	}
	return h.writeDek(c, p, p.version)
}

func (h *handlers) writeDek(c echo.Context, p dekPath, version int) error {
	dek, err := p.st.Dek(c.Request().Context(), p.kek, p.subject, p.algorithm, version, boolQuery(c, "deleted"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, dek)
}

// createDekLegacy answers the deprecated POST /keks/{name}/deks, whose body names the subject.
func (h *handlers) createDekLegacy(c echo.Context) error {
	st, kek, err := h.kekPath(c)
	if err != nil {
		return err
	}
	var body dekRequest
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	if err := store.CheckDekSubject(body.Subject); err != nil {
		return err
	}
	if err := h.allowDekSubject(c, body.Subject); err != nil {
		return err
	}
	return h.createDekWith(c, dekPath{st: st, kek: kek, subject: body.Subject}, body, false)
}

func (h *handlers) createDek(c echo.Context) error {
	p, err := h.dekParams(c, false)
	if err != nil {
		return err
	}
	var body dekRequest
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	return h.createDekWith(c, p, body, boolQuery(c, "rewrap"))
}

// createDekWith creates the DEK of a request whose subject the path (or, deprecated, the
// body) gives. Under IMPORT mode a shared KEK's DEK skips the KMS round trip.
func (h *handlers) createDekWith(c echo.Context, p dekPath, body dekRequest, rewrap bool) error {
	if err := h.allowOwnWrappedKey(c, p, body, rewrap); err != nil {
		return err
	}
	ctx := c.Request().Context()
	req := store.CreateDek{Subject: p.subject, EncryptedKeyMaterial: body.EncryptedKeyMaterial,
		Deleted: body.Deleted, Rewrap: rewrap}
	if body.Version != nil {
		req.Version = int(*body.Version)
		if req.Version < 1 {
			return unprocessable("Invalid version " + strconv.Itoa(req.Version))
		}
	}
	if body.Algorithm != nil {
		if !store.ValidDekAlgorithm(*body.Algorithm) {
			return unprocessable("Unrecognized algorithm " + *body.Algorithm)
		}
		req.Algorithm = *body.Algorithm
	}
	if h.store != nil {
		if mode, err := h.store.GetMode(ctx, p.subject, true); err == nil && mode == store.ModeImport {
			req.Importing = true
		}
	}
	dek, err := p.st.CreateDek(ctx, p.kek, req)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, dek)
}

func (h *handlers) deleteDeks(c echo.Context) error {
	p, err := h.dekParams(c, false)
	if err != nil {
		return err
	}
	if err := p.st.DeleteDeks(c.Request().Context(), p.kek, p.subject, p.algorithm, boolQuery(c, "permanent")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) deleteDekVersion(c echo.Context) error {
	p, err := h.dekParams(c, true)
	if err != nil {
		return err
	}
	if err := p.st.DeleteDek(c.Request().Context(), p.kek, p.subject, p.algorithm, p.version, boolQuery(c, "permanent")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) undeleteDeks(c echo.Context) error {
	p, err := h.dekParams(c, false)
	if err != nil {
		return err
	}
	if err := p.st.UndeleteDeks(c.Request().Context(), p.kek, p.subject, p.algorithm); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) undeleteDekVersion(c echo.Context) error {
	p, err := h.dekParams(c, true)
	if err != nil {
		return err
	}
	if err := p.st.UndeleteDek(c.Request().Context(), p.kek, p.subject, p.algorithm, p.version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
