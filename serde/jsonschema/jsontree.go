package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// DecodeJSONTree decodes a record's JSON body into the JSON-like tree migration rules
// (JSONATA) transform, as Confluent's serdes do before migrating: objects as
// map[string]any, arrays as []any. Whole numbers that fit an int64 are decoded as int64,
// so that large ids keep every digit through a migration (Confluent's Go client decodes
// every number as a float64); other numbers as float64.
func DecodeJSONTree(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("serde/jsonschema: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("serde/jsonschema: data after the JSON value")
	}
	return numbersOf(v)
}

// EncodeJSONTree encodes a migrated tree back to a JSON body, which the deserializer then
// validates (when asked to) and decodes into the reader's type.
func EncodeJSONTree(tree any) ([]byte, error) {
	b, err := json.Marshal(tree)
	if err != nil {
		return nil, fmt.Errorf("serde/jsonschema: %w", err)
	}
	return b, nil
}

// numbersOf replaces the json.Numbers of a decoded tree, in place, by int64 or float64.
func numbersOf(v any) (any, error) {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i, nil
		}
		f, err := t.Float64()
		if err != nil {
			return nil, fmt.Errorf("serde/jsonschema: number %s is out of a float64's range", t)
		}
		return f, nil
	case map[string]any:
		for k, e := range t {
			n, err := numbersOf(e)
			if err != nil {
				return nil, err
			}
			t[k] = n
		}
	case []any:
		for i, e := range t {
			n, err := numbersOf(e)
			if err != nil {
				return nil, err
			}
			t[i] = n
		}
	}
	return v, nil
}
