// Package jsonsubset reads, without reflection, the subset of JSON that encoding/json decodes
// in only one way: objects whose member names hold no escape, strings, null, booleans and
// integers without fraction or exponent that fit an int.
//
// It exists for hot paths. Replaying a million `_schemas` records at startup, and decoding
// the body of every register and lookup request, spent most of their time in encoding/json
// validating, matching member names case-insensitively and allocating. The shapes registries
// and clients actually write are a narrow subset, and a hand-written reader of that subset
// costs a fraction as much and allocates only the strings it returns.
//
// The contract is all or nothing: a Scanner method reports false for anything outside the
// subset, valid JSON or not, and the caller then gives the whole input to encoding/json, so
// that odd input (other members, a repeated or differently cased name, a lone surrogate
// escape, numbers encoding/json would reject or round, invalid UTF-8) is decoded, or
// reported, exactly as it always was. Whatever the scanner does accept, it decodes to what
// encoding/json would; FuzzScanner checks that against encoding/json.
package jsonsubset
