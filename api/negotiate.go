package api

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// The media types Confluent serves, best first, with the server's preference as quality.
var mediaTypes = []struct {
	name    string
	quality float64
}{
	{"application/vnd.schemaregistry.v1+json", 1.0},
	{"application/vnd.schemaregistry+json", 0.9},
	{"application/json", 0.5},
}

// requestBodyTypes are the Content-Types a request body may carry; everything else is 415.
var requestBodyTypes = map[string]bool{
	"application/vnd.schemaregistry.v1+json": true,
	"application/vnd.schemaregistry+json":    true,
	"application/json":                       true,
	"application/octet-stream":               true,
}

const (
	// headerRequestID is X-Request-ID in net/http's canonical form, which header lookups
	// then use as it is instead of converting it on every request.
	headerRequestID = "X-Request-Id"
	contextKeyType  = "accord.responseType"
)

// negotiate enforces the request Content-Type (415) and picks the response media type from
// Accept (406 when none of ours is acceptable).
func negotiate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if p := req.URL.Path; p == "/metrics" || p == "/openapi.yaml" {
			return next(c) // one format each (Prometheus's, negotiated by its handler; YAML)
		}
		if ct := req.Header.Get(echo.HeaderContentType); ct != "" && req.ContentLength != 0 && !requestBodyTypes[ct] {
			mt, _, err := mime.ParseMediaType(ct)
			if err != nil || !requestBodyTypes[mt] {
				return echo.NewHTTPError(http.StatusUnsupportedMediaType)
			}
		}
		typ, ok := responseType(req.Header[echo.HeaderAccept])
		if !ok {
			return echo.NewHTTPError(http.StatusNotAcceptable)
		}
		if typ != mediaTypes[0].name { // negotiatedType's default, which needs no entry
			c.Set(contextKeyType, typ)
		}
		return next(c)
	}
}

// responseType chooses the media type with the highest client quality times server quality.
// No Accept, */* and the Java HttpURLConnection default all give the v1 type.
func responseType(accept []string) (string, bool) {
	if len(accept) == 0 || len(accept) == 1 && (accept[0] == "*/*" || accept[0] == mediaTypes[0].name) {
		return mediaTypes[0].name, true
	}
	best, bestScore := "", 0.0
	for _, part := range strings.Split(strings.Join(accept, ","), ",") {
		mt, q := parseAcceptPart(part)
		for _, m := range mediaTypes {
			if score := q * m.quality; acceptMatches(mt, m.name) && score > bestScore {
				best, bestScore = m.name, score
			}
		}
	}
	return best, best != ""
}

func parseAcceptPart(part string) (string, float64) {
	fields := strings.Split(part, ";")
	mt := strings.ToLower(strings.TrimSpace(fields[0]))
	q := 1.0
	for _, f := range fields[1:] {
		if v, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
			if parsed, err := strconv.ParseFloat(v, 64); err == nil {
				q = parsed
			}
		}
	}
	return mt, q
}

// acceptMatches is JAX-RS's MediaType.isCompatible, which Jersey negotiates with: a wildcard
// type ("*", "*/*", even "*/json") matches any type; otherwise the types must be equal and the
// subtypes equal or one of them a wildcard.
func acceptMatches(pattern, name string) bool {
	typ, sub, _ := strings.Cut(pattern, "/")
	nameType, nameSub, _ := strings.Cut(name, "/")
	if strings.TrimSpace(typ) == "*" {
		return true
	}
	sub = strings.TrimSpace(sub)
	return strings.TrimSpace(typ) == nameType && (sub == "*" || sub == nameSub)
}

// requestID echoes a single X-Request-ID or assigns a fresh UUID v4.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ids := c.Request().Header[headerRequestID]
		id := ""
		if len(ids) == 1 {
			id = ids[0]
		} else {
			id = newUUID()
		}
		c.Response().Header()[headerRequestID] = []string{id}
		return next(c)
	}
}

// newUUID returns a random (version 4) UUID. Request ids need uniqueness, not secrecy, so the
// runtime's fast generator serves; crypto/rand would cost a syscall per request.
func newUUID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	hex.Encode(out[9:13], b[4:6])
	hex.Encode(out[14:18], b[6:8])
	hex.Encode(out[19:23], b[8:10])
	hex.Encode(out[24:], b[10:])
	out[8], out[13], out[18], out[23] = '-', '-', '-', '-'
	return string(out[:])
}

// limitBody caps request bodies; a larger body is 413 with Confluent's error body.
func limitBody(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > limit {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
			}
			if req.Body != nil && req.Body != http.NoBody {
				req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			}
			return next(c)
		}
	}
}

// writeSchema is writeJSON for the schema entities, the answers of the busiest paths: written
// by appendJSON when it can, and without converting s to an interface, which would copy it
// to the heap for every answer.
func writeSchema(c echo.Context, status int, s *schemaJSON) error {
	e := jsonEncoders.Get().(*jsonEncoder)
	defer e.release()
	b, ok := s.appendJSON(e.buf.AvailableBuffer())
	if !ok {
		return writeJSON(c, status, *s)
	}
	e.buf.Write(b) // onto itself, unless appendJSON outgrew it: the pool keeps the larger buffer
	return c.Blob(status, negotiatedType(c), e.buf.Bytes())
}

// writeJSON encodes v as compact JSON without HTML escaping, labelled with the negotiated type.
func writeJSON(c echo.Context, status int, v any) error {
	e := jsonEncoders.Get().(*jsonEncoder)
	defer e.release()
	if err := e.enc.Encode(v); err != nil {
		return err
	}
	return c.Blob(status, negotiatedType(c), bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
}

// jsonEncoder is a reusable encoder and its buffer: an answer is encoded into the buffer,
// copied into the connection's, and the buffer kept for the next answer, instead of growing
// a new one for each.
type jsonEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonEncoders = sync.Pool{New: func() any {
	e := &jsonEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

// maxPooledAnswer bounds the buffers kept for reuse: a rare large answer (a long schema
// list) is not held on to for the small ones that follow.
const maxPooledAnswer = 64 << 10

func (e *jsonEncoder) release() {
	if e.buf.Cap() > maxPooledAnswer {
		return
	}
	e.buf.Reset()
	jsonEncoders.Put(e)
}

// writeRaw sends schema text as-is (not JSON-quoted) under the negotiated JSON media type.
func writeRaw(c echo.Context, text string) error {
	return c.Blob(http.StatusOK, negotiatedType(c), []byte(text))
}

func negotiatedType(c echo.Context) string {
	if t, ok := c.Get(contextKeyType).(string); ok {
		return t
	}
	return mediaTypes[0].name
}

// unprocessable is Confluent's 422 for a missing or invalid request entity.
func unprocessable(msg string) error {
	return &store.Error{Code: store.CodeUnprocessable, Message: msg}
}

// jsonMessage describes a JSON decoding failure without Go type names.
func jsonMessage(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var number wireIntError
	switch {
	case errors.As(err, &number):
		return number.Error()
	case errors.As(err, &syntax):
		return fmt.Sprintf("Unexpected character in JSON at position %d: %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		msg := fmt.Sprintf("Cannot deserialize value of type `%s` from %s", jsonKind(typ.Type.Kind().String()), typ.Value)
		if typ.Field != "" {
			msg += fmt.Sprintf(" (field %q)", typ.Field)
		}
		return msg
	}
	return "Malformed JSON: " + err.Error()
}

func jsonKind(kind string) string {
	switch kind {
	case "int", "int32", "int64":
		return "int"
	case "ptr", "struct", "map":
		return "object"
	case "slice":
		return "array"
	}
	return kind
}
