package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// errorBody is Confluent's error response.
type errorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// errorHandler is the only code that turns errors into responses: a store.Error keeps its
// code; an echo.HTTPError (unknown route, bad method, oversized body) uses its status as the
// code, as Confluent's REST layer does; anything else is a bug or an infrastructure failure,
// answered with 500 and logged once with its cause.
func errorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, body := classify(err)
		if status >= 500 {
			logger.Log(c.Request().Context(), failureLevel(status, body.ErrorCode), "request failed",
				"method", c.Request().Method, "path", c.Request().URL.Path, "error_code", body.ErrorCode, "err", err,
				"request_id", c.Response().Header().Get(headerRequestID))
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = writeJSON(c, status, body)
	}
}

func classify(err error) (int, errorBody) {
	if errors.Is(err, context.DeadlineExceeded) {
		// The request's deadline (Config.RequestTimeout) passed before the store answered.
		err = &store.Error{Code: store.CodeOperationTimeout, Message: "Operation timed out"}
	}
	var se *store.Error
	if errors.As(err, &se) {
		return se.Code.Status(), errorBody{ErrorCode: int(se.Code), Message: se.Message}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code, errorBody{ErrorCode: he.Code, Message: httpMessage(he)}
	}
	return http.StatusInternalServerError, errorBody{ErrorCode: http.StatusInternalServerError, Message: "Internal Server Error"}
}

// httpMessage renders framework errors the way Jersey does: "HTTP 404 Not Found".
func httpMessage(he *echo.HTTPError) string {
	if msg, ok := he.Message.(string); ok && msg != http.StatusText(he.Code) && msg != "" {
		return msg
	}
	return fmt.Sprintf("HTTP %d %s", he.Code, http.StatusText(he.Code))
}

// errNotFound is the 404 for paths, path parameters and query parameters that do not convert,
// as Confluent answers them.
func errNotFound() error { return echo.NewHTTPError(http.StatusNotFound) }

// errBadRequest is the 400 for malformed JSON or JSON of the wrong shape.
func errBadRequest(msg string) error {
	return &store.Error{Code: store.CodeBadRequest, Message: msg}
}

// failureLevel is Warn for the failures a healthy cluster goes through (an instance still
// catching up, a leader change, a timeout while Kafka is away) and Error for the rest.
func failureLevel(status, code int) slog.Level {
	switch {
	case status == http.StatusServiceUnavailable,
		code == int(store.CodeOperationTimeout), code == int(store.CodeForwardingError), code == int(store.CodeUnknownLeader):
		return slog.LevelWarn
	}
	return slog.LevelError
}
