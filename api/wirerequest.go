package api

import "github.com/accord-registry/accord/internal/jsonsubset"

// quickSchemaRequest decodes the body nearly every register and lookup carries: an object
// whose members are "schema" and "schemaType" (strings or null) and "references" (an empty
// array), each at most once. It decodes them as encoding/json would, without reflection and
// with no allocation beyond the strings themselves; ok false means the body is anything else
// (other members, a repeated or differently cased key, a non-empty reference list, a lone
// surrogate, invalid JSON), which encoding/json then decodes or reports, so that every answer
// and error message stays as it was. data must be valid UTF-8, as decodeBody ensures.
func quickSchemaRequest(data []byte) (schemaRequest, bool) {
	d := jsonsubset.NewValidUTF8(data)
	var r schemaRequest
	var seen struct{ schema, schemaType, references bool }
	ok := d.Object(func(name []byte) bool {
		switch string(name) {
		case "schema":
			return firstTime(&seen.schema) && nullableString(&d, &r.Schema)
		case "schemaType":
			return firstTime(&seen.schemaType) && nullableString(&d, &r.SchemaType)
		case "references":
			r.References = []referenceRequest{}
			return firstTime(&seen.references) && d.Consume('[') && d.Consume(']')
		}
		return false
	})
	if !ok {
		return schemaRequest{}, false
	}
	return r, true
}

// firstTime reports whether *seen was false, and sets it.
func firstTime(seen *bool) bool {
	first := !*seen
	*seen = true
	return first
}

// nullableString reads null (nil) or a string into *to.
func nullableString(d *jsonsubset.Scanner, to **string) bool {
	if d.Null() {
		*to = nil
		return true
	}
	s, ok := d.Text()
	if ok {
		*to = &s
	}
	return ok
}
