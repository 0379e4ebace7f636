package kms_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/localkms"
)

// A KEK of the local KMS wraps a DEK with the secret the rule configuration gives; the same
// call opens AWS KMS or Vault keys when their drivers are in the set.
func Example() {
	drivers := kms.NewDrivers(localkms.New())
	config := map[string]string{"secret": "mysecret"} // the rule configuration
	kek, err := drivers.AEAD(context.Background(), "local-kms", "mykey", nil, config)
	if err != nil {
		panic(err)
	}
	dek := bytes.Repeat([]byte{1}, 34) // a serialized Tink AES256_GCM key
	wrapped, err := kek.Encrypt(dek, nil)
	if err != nil {
		panic(err)
	}
	unwrapped, err := kek.Decrypt(wrapped, nil)
	fmt.Println(len(wrapped), bytes.Equal(unwrapped, dek), err)
	// Output: 62 true <nil>
}
