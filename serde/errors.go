package serde

import "fmt"

// WireError says what a payload or header held instead of a valid schema id, so that a consumer
// that meets a foreign record can log something better than "invalid magic byte". Every error
// the decoders in this package return is a *WireError; test for it with errors.As.
type WireError struct {
	// Where names the bytes that were wrong: "payload", "header __value_schema_id",
	// "message indexes", or "message indexes in header __key_schema_id".
	Where string
	// Reason says what was found, for example "unknown magic byte 0x7b (is this JSON without a
	// schema id?)" or "too short: 3 bytes, need 5".
	Reason string
	// Magic is the first byte of the payload or header value when the reason is about the
	// prefix (an unknown magic byte, too few bytes after it, a header value of the wrong
	// length); otherwise 0.
	Magic byte
}

// Error returns "serde: " + Where + ": " + Reason.
func (e *WireError) Error() string {
	return "serde: " + e.Where + ": " + e.Reason
}

// Names for WireError.Where. They are constants so that naming the place costs nothing
// until an error is built.
const (
	wherePayload            = "payload"
	whereIndexes            = "message indexes"
	whereKeyHeader          = "header " + KeyHeader
	whereValueHeader        = "header " + ValueHeader
	whereKeyHeaderIndexes   = "message indexes in header " + KeyHeader
	whereValueHeaderIndexes = "message indexes in header " + ValueHeader
)

// errTooShort reports bytes that end before the magic byte's id does.
func errTooShort(where string, got, need int, magic byte) *WireError {
	return &WireError{Where: where, Reason: fmt.Sprintf("too short: %d bytes, need %d", got, need), Magic: magic}
}

// errUnknownMagic reports a first byte that is neither [MagicID] nor [MagicGUID]. The usual
// cause is a producer that wrote without a schema-registry serializer, so printable bytes get
// a hint: JSON starts with '{' or '[', and text with a letter.
func errUnknownMagic(where string, magic byte) *WireError {
	var hint string
	switch {
	case magic == '{' || magic == '[' || magic == '"':
		hint = "is this JSON without a schema id?"
	case magic >= 0x20 && magic < 0x7f:
		hint = fmt.Sprintf("%q: is this text without a schema id?", rune(magic))
	default:
		hint = "want 0x00 before an id or 0x01 before a GUID"
	}
	return &WireError{Where: where, Reason: fmt.Sprintf("unknown magic byte 0x%02x (%s)", magic, hint), Magic: magic}
}

// errHeaderLength reports a header value longer than its magic byte allows. Confluent's Java
// reader ignores such trailing bytes; no serializer writes them, so they mean the header was
// written by something else and the id in it is not to be trusted.
func errHeaderLength(where string, got, want int, magic byte) *WireError {
	return &WireError{Where: where, Reason: fmt.Sprintf("wrong length: %d bytes, want %d", got, want), Magic: magic}
}

// errTrailing reports bytes after the message indexes of a Protobuf header value.
func errTrailing(where string, n int) *WireError {
	return &WireError{Where: where, Reason: fmt.Sprintf("%d unexpected bytes after the message indexes", n)}
}

// errIndexes reports a malformed message-index array.
func errIndexes(where, format string, args ...any) *WireError {
	return &WireError{Where: where, Reason: fmt.Sprintf(format, args...)}
}
