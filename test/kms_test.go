package test

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/accord-registry/accord/store"
)

// testKMS is the DEK Registry's KMS in tests: it "wraps" by prefixing the key id and
// inverting the bytes. Key id "denied" is refused (403, 40370), "broken" fails (50070).
type testKMS struct{}

func (testKMS) Encrypt(_ context.Context, _, keyID string, _ map[string]string, plain []byte) ([]byte, error) {
	if err := testKMSFailure(keyID); err != nil {
		return nil, err
	}
	out := []byte(keyID + ":")
	for _, b := range plain {
		out = append(out, ^b)
	}
	return out, nil
}

func (testKMS) Decrypt(_ context.Context, _, keyID string, _ map[string]string, wrapped []byte) ([]byte, error) {
	if err := testKMSFailure(keyID); err != nil {
		return nil, err
	}
	rest, ok := bytes.CutPrefix(wrapped, []byte(keyID+":"))
	if !ok {
		return nil, errors.New("not wrapped with this key")
	}
	out := make([]byte, len(rest))
	for i, b := range rest {
		out[i] = ^b
	}
	return out, nil
}

func testKMSFailure(keyID string) error {
	switch keyID {
	case "denied":
		return fmt.Errorf("the test KMS refuses key %s: %w", keyID, store.ErrKMSAccessDenied)
	case "broken":
		return errors.New("the test KMS is out of order")
	}
	return nil
}
