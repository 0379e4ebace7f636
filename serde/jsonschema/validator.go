package jsonschema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/url"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
)

// base is the URL a schema is compiled at when it has no $id of its own; references with
// relative names resolve against it. Nothing is ever fetched from it.
const base = "https://schemas.accord.invalid/"

// compile compiles text and the schemas it references into a validator.
func compile(ctx context.Context, c *serde.Client, text string, refs []sr.SchemaReference) (*jsonschema.Schema, error) {
	comp := jsonschema.NewCompiler()
	comp.Draft = jsonschema.Draft7
	comp.RegisterExtension(tagsKeyword, nil, tagsCompiler{})
	comp.LoadURL = func(u string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("%s is not among the schema's references", u)
	}
	if len(refs) > 0 {
		deps, err := c.References(ctx, refs)
		if err != nil {
			return nil, err
		}
		for _, dep := range deps {
			if err := numbersRepresentable([]byte(dep.Schema.Schema)); err != nil {
				return nil, fmt.Errorf("serde/jsonschema: reference %q: %w", dep.Name, err)
			}
			if err := comp.AddResource(resolve(dep.Name), strings.NewReader(dep.Schema.Schema)); err != nil {
				return nil, fmt.Errorf("serde/jsonschema: reference %q: %w", dep.Name, err)
			}
		}
	}
	if err := numbersRepresentable([]byte(text)); err != nil {
		return nil, fmt.Errorf("serde/jsonschema: %w", err)
	}
	main := base + "schema.json"
	if err := comp.AddResource(main, strings.NewReader(text)); err != nil {
		return nil, fmt.Errorf("serde/jsonschema: %w", err)
	}
	s, err := comp.Compile(main)
	if err != nil {
		return nil, fmt.Errorf("serde/jsonschema: %w", err)
	}
	return s, nil
}

// resolve is the URL a reference is known by: its name when that is an absolute URL, else
// the name relative to base.
func resolve(name string) string {
	if u, err := url.Parse(name); err == nil && u.IsAbs() {
		return name
	}
	return base + strings.TrimPrefix(name, "./")
}

// validate checks a JSON document against s.
func validate(s *jsonschema.Schema, doc []byte) (err error) {
	v, err := decodeNumbers(doc)
	if err != nil {
		return fmt.Errorf("serde/jsonschema: not JSON: %w", err)
	}
	if err := representable(v); err != nil {
		return fmt.Errorf("serde/jsonschema: %w", err)
	}
	defer func() {
		// The validator is a dependency fed with untrusted bytes: a panic in it is
		// reported as this record's failure instead of taking the consumer down.
		if p := recover(); p != nil {
			err = fmt.Errorf("serde/jsonschema: the validator failed on this value: %v", p)
		}
	}()
	if err := s.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return &ValidationError{Err: ve}
		}
		return err
	}
	return nil
}

// ValidationError is a value or record that does not match its schema.
type ValidationError struct {
	Err *jsonschema.ValidationError // the validator's tree of failures
}

func (e *ValidationError) Error() string {
	leaf := e.Err
	for len(leaf.Causes) > 0 {
		leaf = leaf.Causes[0]
	}
	where := leaf.InstanceLocation
	if where == "" {
		where = "/"
	}
	return fmt.Sprintf("serde/jsonschema: the value does not match its schema at %s: %s", where, leaf.Message)
}

func (e *ValidationError) Unwrap() error { return e.Err }

// title is the schema's "title", the record name of the record name strategies.
func title(text string) string {
	var top struct {
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(text), &top); err != nil {
		return ""
	}
	return top.Title
}

// decodeNumbers decodes one JSON document keeping numbers as json.Number, the form the
// validator expects.
func decodeNumbers(doc []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// numbersRepresentable reports a schema document holding a number the validator cannot
// hold exactly; a document that is not JSON is left to the compiler to report.
func numbersRepresentable(doc []byte) error {
	v, err := decodeNumbers(doc)
	if err != nil {
		return nil
	}
	return representable(v)
}

// representable rejects numbers that math/big cannot hold as a rational (an exponent
// beyond its limit, such as 1e99999999): the validator compares numbers as big.Rat and
// would dereference the nil that a failed conversion leaves.
func representable(v any) error {
	switch v := v.(type) {
	case json.Number:
		if !strings.ContainsAny(string(v), "eE") {
			return nil // plain decimals always convert
		}
		if _, ok := new(big.Rat).SetString(string(v)); !ok {
			return fmt.Errorf("number %.40s is out of range", string(v))
		}
	case []any:
		for _, e := range v {
			if err := representable(e); err != nil {
				return err
			}
		}
	case map[string]any:
		for _, e := range v {
			if err := representable(e); err != nil {
				return err
			}
		}
	}
	return nil
}
