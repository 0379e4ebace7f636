package api

import (
	"errors"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
)

// formatLabel bounds a request's schema type to the formats Accord knows, for metrics.
func formatLabel(t compat.SchemaType) string {
	switch t {
	case compat.TypeAvro, compat.TypeJSON, compat.TypeProtobuf:
		return string(t)
	}
	return "other"
}

// outcome names what became of a registration.
func outcome(err error) string {
	var se *store.Error
	switch {
	case err == nil:
		return "ok"
	case !errors.As(err, &se):
		return "error"
	case se.Code == store.CodeIncompatibleSchema || se.Code == store.CodeIncompatibleLegacy:
		return "incompatible"
	case se.Code == store.CodeInvalidSchema:
		return "invalid"
	case se.Code.Status() < 500:
		return "refused"
	}
	return "error"
}

// observeRegistration counts a registration, when metrics are on.
func (h *handlers) observeRegistration(t compat.SchemaType, err error) {
	if h.cfg.Metrics != nil {
		h.cfg.Metrics.Registration(formatLabel(t), outcome(err))
	}
}

// observeCheck counts a compatibility check, when metrics are on.
func (h *handlers) observeCheck(t compat.SchemaType, res compat.Result, err error) {
	if h.cfg.Metrics == nil {
		return
	}
	result := "compatible"
	switch {
	case err != nil && outcome(err) == "invalid":
		result = "invalid"
	case err != nil:
		result = "error"
	case !res.Compatible:
		result = "incompatible"
	}
	h.cfg.Metrics.Check(formatLabel(t), result)
}
