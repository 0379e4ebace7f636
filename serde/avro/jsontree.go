package avro

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"time"

	hamba "github.com/hamba/avro/v2"
)

// ToJSONTree turns v, a value of schema as hamba/avro decodes it into an any (what
// GenericDeserializer returns), into the JSON-like tree that migration rules (JSONATA)
// transform: the shape of Avro's JSON encoding, the one Confluent's Java serdes hand their
// JSONata executor, with unions shaped as Confluent's Go client gives them to it. Records
// and maps become map[string]any, arrays []any, enums strings; bytes and fixed become
// strings of one character per byte (U+0000 to U+00FF), as in Avro's JSON encoding. A
// union keeps hamba/avro's shape: null is nil; a union of primitive types gives its value
// plain; a union with a named type (record, enum, fixed) gives {"<full name>": value}
// (Confluent's Java serdes wrap every union value that way, its Python serdes none).
// Logical types are written as what carries them: a timestamp-millis as its long, a date
// as its int, a decimal as its bytes. Numbers keep their Go types (a long stays an int64,
// so large ones keep every digit).
func ToJSONTree(schema hamba.Schema, v any) (any, error) {
	return toTree(schema, v, "$")
}

func toTree(s hamba.Schema, v any, path string) (any, error) {
	if ref, ok := s.(*hamba.RefSchema); ok {
		s = ref.Schema()
	}
	switch s.Type() {
	case hamba.Null:
		return nil, nil
	case hamba.Record:
		return recordToTree(s.(*hamba.RecordSchema), v, path)
	case hamba.Map:
		return mapToTree(s.(*hamba.MapSchema), v, path)
	case hamba.Array:
		return arrayToTree(s.(*hamba.ArraySchema), v, path)
	case hamba.Union:
		return unionToTree(s.(*hamba.UnionSchema), v, path)
	case hamba.Bytes, hamba.Fixed:
		b, err := logicalBytes(s, v, path)
		if err != nil {
			return nil, err
		}
		return bytesToString(b), nil
	case hamba.Int, hamba.Long:
		return logicalNumber(s, v, path)
	}
	return v, nil // boolean, float, double, string, enum: as they are
}

func recordToTree(s *hamba.RecordSchema, v any, path string) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("serde/avro: %s: record %s is a %T, not a map[string]any", path, s.FullName(), v)
	}
	out := make(map[string]any, len(s.Fields()))
	for _, f := range s.Fields() {
		fv, err := toTree(f.Type(), m[f.Name()], path+"."+f.Name())
		if err != nil {
			return nil, err
		}
		out[f.Name()] = fv
	}
	return out, nil
}

func mapToTree(s *hamba.MapSchema, v any, path string) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("serde/avro: %s: map is a %T, not a map[string]any", path, v)
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		ev, err := toTree(s.Values(), e, path+"."+k)
		if err != nil {
			return nil, err
		}
		out[k] = ev
	}
	return out, nil
}

func arrayToTree(s *hamba.ArraySchema, v any, path string) (any, error) {
	a, ok := v.([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("serde/avro: %s: array is a %T, not a []any", path, v)
	}
	out := make([]any, len(a))
	for i, e := range a {
		ev, err := toTree(s.Items(), e, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out[i] = ev
	}
	return out, nil
}

// unionToTree keeps a union's shape as hamba/avro decodes it (and Confluent's Go client
// hands it to JSONata): nil for null; {"<branch>": value} when the union has a branch
// hamba/avro cannot resolve to a Go type (a named type), renamed to the branch's
// JSON-encoding name; else the plain value, converted as the branch its Go type picks.
func unionToTree(s *hamba.UnionSchema, v any, path string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		for name, bv := range m {
			if branch := unionBranch(s, name); branch != nil {
				if branch.Type() == hamba.Null {
					return nil, nil
				}
				tv, err := toTree(branch, bv, path)
				if err != nil {
					return nil, err
				}
				return map[string]any{jsonBranchName(branch): tv}, nil
			}
		}
	}
	branch := branchFor(s, v)
	if branch == nil {
		return nil, fmt.Errorf("serde/avro: %s: no branch of the union holds a %T", path, v)
	}
	return toTree(branch, v, path)
}

// branchFor is the branch of a union that an unwrapped value of v's Go type belongs to:
// the only non-null branch, else the first whose type hamba/avro decodes to v's Go type.
func branchFor(s *hamba.UnionSchema, v any) hamba.Schema {
	var only hamba.Schema
	n := 0
	for _, b := range s.Types() {
		if b.Type() != hamba.Null {
			only, n = b, n+1
		}
	}
	if n == 1 {
		return only
	}
	for _, b := range s.Types() {
		if holds(b, v) {
			return b
		}
	}
	return nil
}

// holds says whether hamba/avro decodes a value of schema s to v's Go type.
func holds(s hamba.Schema, v any) bool {
	if ref, ok := s.(*hamba.RefSchema); ok {
		s = ref.Schema()
	}
	var lt hamba.LogicalType
	if l, ok := s.(hamba.LogicalTypeSchema); ok && l.Logical() != nil {
		lt = l.Logical().Type()
	}
	switch v.(type) {
	case string:
		return s.Type() == hamba.String || s.Type() == hamba.Enum
	case bool:
		return s.Type() == hamba.Boolean
	case int:
		return s.Type() == hamba.Int && lt == ""
	case int64:
		return s.Type() == hamba.Long && lt == ""
	case float32:
		return s.Type() == hamba.Float
	case float64:
		return s.Type() == hamba.Double
	case []byte:
		return s.Type() == hamba.Bytes && lt == ""
	case time.Time:
		return lt == hamba.Date || lt == hamba.TimestampMillis || lt == hamba.TimestampMicros ||
			lt == hamba.LocalTimestampMillis || lt == hamba.LocalTimestampMicros
	case time.Duration:
		return lt == hamba.TimeMillis || lt == hamba.TimeMicros
	case *big.Rat:
		return lt == hamba.Decimal
	case hamba.LogicalDuration:
		return lt == hamba.Duration
	case []any:
		return s.Type() == hamba.Array
	case map[string]any:
		return s.Type() == hamba.Map || s.Type() == hamba.Record
	}
	rv := reflect.ValueOf(v)
	f, ok := s.(*hamba.FixedSchema)
	return ok && rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8 && rv.Len() == f.Size()
}

// jsonBranchName is a union branch's name in Avro's JSON encoding: the full name of a named
// type, else the type.
func jsonBranchName(s hamba.Schema) string {
	if ref, ok := s.(*hamba.RefSchema); ok {
		s = ref.Schema()
	}
	if n, ok := s.(hamba.NamedSchema); ok {
		return n.FullName()
	}
	return string(s.Type())
}

// hambaBranchName is the name hamba/avro's union encoder looks branches up by: the full
// name of a named type, else the type with ".<logical type>" when it has one.
func hambaBranchName(s hamba.Schema) string {
	name := jsonBranchName(s)
	if _, named := s.(hamba.NamedSchema); named {
		return name
	}
	if lt, ok := s.(hamba.LogicalTypeSchema); ok && lt.Logical() != nil {
		name += "." + string(lt.Logical().Type())
	}
	return name
}

// bytesToString writes each byte as the character of that code point, as Avro's JSON
// encoding does.
func bytesToString(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// logicalBytes is the content of a bytes or fixed value: hamba/avro gives []byte for bytes,
// [N]byte for fixed, *big.Rat for a decimal and LogicalDuration for a duration.
func logicalBytes(s hamba.Schema, v any, path string) ([]byte, error) {
	switch t := v.(type) {
	case []byte:
		return t, nil
	case string:
		return []byte(t), nil
	case *big.Rat:
		return decimalBytes(s, t, path)
	case hamba.LogicalDuration:
		b := make([]byte, 12)
		binary.LittleEndian.PutUint32(b, t.Months)
		binary.LittleEndian.PutUint32(b[4:], t.Days)
		binary.LittleEndian.PutUint32(b[8:], t.Milliseconds)
		return b, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8 {
		b := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
		return b, nil
	}
	return nil, fmt.Errorf("serde/avro: %s: %s value is a %T", path, s.Type(), v)
}

// decimalBytes is a decimal's unscaled value in big-endian two's complement, sign-extended
// to the size of a fixed.
func decimalBytes(s hamba.Schema, r *big.Rat, path string) ([]byte, error) {
	dec, ok := s.(hamba.LogicalTypeSchema).Logical().(*hamba.DecimalLogicalSchema)
	if !ok {
		return nil, fmt.Errorf("serde/avro: %s: a *big.Rat for a %s without the decimal logical type", path, s.Type())
	}
	unscaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(dec.Scale())), nil)))
	if !unscaled.IsInt() {
		return nil, fmt.Errorf("serde/avro: %s: %s has more than %d decimal places", path, r.FloatString(dec.Scale()+3), dec.Scale())
	}
	b := twosComplement(unscaled.Num())
	if f, ok := s.(*hamba.FixedSchema); ok {
		if len(b) > f.Size() {
			return nil, fmt.Errorf("serde/avro: %s: decimal too large for fixed %s", path, f.FullName())
		}
		pad := byte(0)
		if unscaled.Sign() < 0 {
			pad = 0xFF
		}
		out := make([]byte, f.Size())
		for i := range len(out) - len(b) {
			out[i] = pad
		}
		copy(out[len(out)-len(b):], b)
		return out, nil
	}
	return b, nil
}

// twosComplement is n in big-endian two's complement with the fewest bytes.
func twosComplement(n *big.Int) []byte {
	if n.Sign() >= 0 {
		b := n.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	size := (n.BitLen() + 8) / 8 // room for the sign bit
	mod := new(big.Int).Lsh(big.NewInt(1), uint(size*8))
	b := new(big.Int).Add(mod, n).Bytes()
	for len(b) < size {
		b = append([]byte{0xFF}, b...)
	}
	return b
}

// logicalNumber is an int's or long's number: hamba/avro gives time.Time for dates and
// timestamps and time.Duration for times of day.
func logicalNumber(s hamba.Schema, v any, path string) (any, error) {
	var lt hamba.LogicalType
	if l, ok := s.(hamba.LogicalTypeSchema); ok && l.Logical() != nil {
		lt = l.Logical().Type()
	}
	switch t := v.(type) {
	case time.Time:
		switch lt {
		case hamba.Date:
			return int(math.Floor(float64(t.Unix()) / 86400)), nil
		case hamba.TimestampMillis, hamba.LocalTimestampMillis:
			return t.UnixMilli(), nil
		case hamba.TimestampMicros, hamba.LocalTimestampMicros:
			return t.UnixMicro(), nil
		}
		return nil, fmt.Errorf("serde/avro: %s: a time.Time for a %s without a date or timestamp logical type", path, s.Type())
	case time.Duration:
		switch lt {
		case hamba.TimeMillis:
			return int(t.Milliseconds()), nil
		case hamba.TimeMicros:
			return t.Microseconds(), nil
		}
		return nil, fmt.Errorf("serde/avro: %s: a time.Duration for a %s without a time logical type", path, s.Type())
	}
	return v, nil
}
