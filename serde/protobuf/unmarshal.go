package protobuf

import (
	"fmt"

	"google.golang.org/protobuf/proto"
)

// unmarshal decodes body into m, turning a panic of the Protobuf runtime into an error.
// Records are untrusted input, and fuzzing found one that makes proto.Unmarshal panic while
// decoding a map field of a *dynamicpb.Message (google.golang.org/protobuf v1.36.12, "type
// mismatch: cannot convert nil to map key"; the record is in testdata/fuzz); a consumer must
// get an error for such a record, not a crash.
func unmarshal(body []byte, m proto.Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed record: %v", p)
		}
	}()
	return proto.Unmarshal(body, m)
}
