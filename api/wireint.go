package api

import (
	"fmt"
	"math"
	"math/big"
)

// wireInt is an integer field of a request body, read the way Confluent's Jackson reads a
// Java int: any JSON number without a fractional part (2, 2.0, 2e0), within int32's range.
// encoding/json alone would refuse 2.0 and take 2147483648, which no Confluent client can
// then look up.
type wireInt int

// maxNumberLiteral bounds the literals parsed exactly; no int32 needs more characters.
const maxNumberLiteral = 64

func (n *wireInt) UnmarshalJSON(b []byte) error {
	lit := string(b)
	if lit == "null" {
		return nil
	}
	if len(lit) > maxNumberLiteral || len(lit) == 0 || lit[0] == '"' || lit[0] == '{' || lit[0] == '[' || lit == "true" || lit == "false" {
		return wireIntError(fmt.Sprintf("Cannot deserialize value of type `int` from %.20s", lit))
	}
	f, ok := new(big.Float).SetString(lit)
	if !ok || !f.IsInt() {
		return wireIntError(fmt.Sprintf("Cannot deserialize value of type `int` from number %s", lit))
	}
	i, acc := f.Int64()
	if acc != big.Exact || i < math.MinInt32 || i > math.MaxInt32 {
		return wireIntError(fmt.Sprintf("Numeric value (%s) out of range of int (%d - %d)", lit, math.MinInt32, math.MaxInt32))
	}
	*n = wireInt(i)
	return nil
}

// wireIntError is a request's integer that is not one, in Jackson's words.
type wireIntError string

func (e wireIntError) Error() string { return string(e) }
