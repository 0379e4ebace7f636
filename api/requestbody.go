package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// decodeBody decodes a JSON request body into v. An empty body is 422 (Confluent's missing
// body), malformed JSON or a wrong shape 400, an oversized body 413.
func decodeBody(c echo.Context, v any) error {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer releaseBody(buf)
	data, err := readJSONBody(c, buf)
	if err != nil {
		return err
	}
	return unmarshalBody(data, v)
}

// decodeSchemaRequest is decodeBody for the body of register, lookup and compatibility
// calls: the usual shape is decoded by quickSchemaRequest, anything else by encoding/json.
func decodeSchemaRequest(c echo.Context, r *schemaRequest) error {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer releaseBody(buf)
	data, err := readJSONBody(c, buf)
	if err != nil {
		return err
	}
	if quick, ok := quickSchemaRequest(data); ok {
		*r = quick
		return nil
	}
	var slow schemaRequest // on the heap, as encoding/json needs, only when decoded by it
	err = unmarshalBody(data, &slow)
	*r = slow
	return err
}

// readJSONBody reads the body into buf and returns its JSON text as UTF-8, or the error to
// answer: 413 when too large, 422 when empty, 400 when unreadable or not UTF-8.
func readJSONBody(c echo.Context, buf *bytes.Buffer) ([]byte, error) {
	data, err := readAllBody(c.Request(), buf)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, echo.NewHTTPError(http.StatusRequestEntityTooLarge)
		}
		return nil, errBadRequest("Failed to read request body")
	}
	if data, err = jsonText(data); err != nil {
		return nil, errBadRequest("Invalid request body encoding: " + err.Error())
	}
	if trimmed := bytes.TrimSpace(data); len(trimmed) == 0 || string(trimmed) == "null" {
		return nil, unprocessable("Request body is missing")
	}
	if !utf8.Valid(data) {
		return nil, errBadRequest("Invalid UTF-8 in request body")
	}
	return data, nil
}

func unmarshalBody(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return errBadRequest(jsonMessage(err))
	}
	return nil
}

// readAllBody reads a request's body into buf, growing it first to the size its
// Content-Length announces when it announces one (io.ReadAll would grow its buffer a few
// times on the way). The bytes are buf's: decoders copy what they keep, so buf goes back to
// bodyBuffers once the body is decoded.
func readAllBody(req *http.Request, buf *bytes.Buffer) ([]byte, error) {
	buf.Reset()
	if req.ContentLength > 0 && req.ContentLength <= maxPresized {
		buf.Grow(int(req.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(req.Body)
	return buf.Bytes(), err
}

// maxPresized bounds the buffer made ahead from a Content-Length, which the client chooses:
// a client that announces a large body and sends it slowly, or never, must not hold more
// than a pooled buffer's worth per connection; a real large body grows the buffer as it comes.
const maxPresized = maxPooledBody

// bodyBuffers holds request body buffers for reuse: a register or lookup then allocates
// nothing to read its body.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody bounds the buffers kept for reuse: a rare large body (a schema with many
// references) is not held on to for the small ones that follow.
const maxPooledBody = 64 << 10

func releaseBody(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBody {
		bodyBuffers.Put(buf)
	}
}
