package avro

import (
	"errors"
	"fmt"

	hamba "github.com/hamba/avro/v2"
)

// defaultMaxEmptyItems is the default of [serde.MaxEmptyItems]: at 16 bytes a decoded item,
// 16 MiB at most for one record.
const defaultMaxEmptyItems = 1 << 20

// maxScanDepth bounds how deeply nested a scanned record may be. Each level takes at least a
// byte, so only a record of a recursive schema could reach it.
const maxScanDepth = 1000

// errTooDeep is returned for a record nested beyond maxScanDepth.
var errTooDeep = fmt.Errorf("serde/avro: record nested more than %d deep", maxScanDepth)

// errShort is returned for a record that ends before its schema says it does.
var errShort = errors.New("serde/avro: record ends early")

// emptyItemsBudget guards the decoding of records whose schema has arrays of items that take
// no bytes: null, an empty record, fixed(0), or records of nothing else. hamba/avro bounds
// one array (MaxSliceAllocSize) but not the whole record, and for such items the input does
// not bound it either: an array of 2^20 nulls is 4 bytes, so 87 bytes of
// array<array<null>> decode into 384 MiB. Before such a record is decoded, a scan without
// allocation counts its zero-size items against a total. Records of other schemas are not
// scanned: every item they hold takes at least one byte of input, which bounds them.
type emptyItemsBudget struct {
	writer hamba.Schema // nil: the writer schema has no zero-size items, nothing to check
	max    int64
}

// newEmptyItemsBudget returns the budget for records written with writer; max <= 0 means the
// default.
func newEmptyItemsBudget(writer hamba.Schema, max int) emptyItemsBudget {
	if max <= 0 {
		max = defaultMaxEmptyItems
	}
	if !hasEmptyItems(writer, map[hamba.Schema]bool{}) {
		writer = nil
	}
	return emptyItemsBudget{writer: writer, max: int64(max)}
}

// check scans one record body and fails if it holds more zero-size items than allowed.
func (b emptyItemsBudget) check(body []byte) error {
	if b.writer == nil {
		return nil
	}
	sc := scanner{b: body, left: b.max}
	if err := sc.value(b.writer, 0); err != nil {
		if errors.Is(err, errTooManyEmpty) {
			return fmt.Errorf("serde/avro: record holds more than %d array items that take no bytes (null, empty record, fixed(0)): %w", b.max, err)
		}
		return err
	}
	return nil
}

// errTooManyEmpty is wrapped by check's error when the budget is exceeded.
var errTooManyEmpty = errors.New("too many items")

// hasEmptyItems reports whether s contains an array of zero-size items.
func hasEmptyItems(s hamba.Schema, seen map[hamba.Schema]bool) bool {
	if seen[s] {
		return false
	}
	seen[s] = true
	switch t := s.(type) {
	case *hamba.RefSchema:
		return hasEmptyItems(t.Schema(), seen)
	case *hamba.ArraySchema:
		return zeroSize(t.Items(), map[hamba.Schema]bool{}) || hasEmptyItems(t.Items(), seen)
	case *hamba.MapSchema:
		return hasEmptyItems(t.Values(), seen)
	case *hamba.UnionSchema:
		for _, u := range t.Types() {
			if hasEmptyItems(u, seen) {
				return true
			}
		}
	case *hamba.RecordSchema:
		for _, f := range t.Fields() {
			if hasEmptyItems(f.Type(), seen) {
				return true
			}
		}
	}
	return false
}

// zeroSize reports whether values of s are encoded in no bytes at all. A record that contains
// itself is not: it can only end through a union or an array, which take bytes.
func zeroSize(s hamba.Schema, visiting map[hamba.Schema]bool) bool {
	switch t := s.(type) {
	case *hamba.RefSchema:
		return zeroSize(t.Schema(), visiting)
	case *hamba.NullSchema:
		return true
	case *hamba.FixedSchema:
		return t.Size() == 0
	case *hamba.RecordSchema:
		if visiting[s] {
			return false
		}
		visiting[s] = true
		defer delete(visiting, s)
		for _, f := range t.Fields() {
			if !zeroSize(f.Type(), visiting) {
				return false
			}
		}
		return true
	}
	return false
}

// scanner walks Avro binary data by its writer schema without decoding it.
type scanner struct {
	b    []byte
	pos  int
	left int64 // zero-size items still allowed
}

func (sc *scanner) value(s hamba.Schema, depth int) error {
	if depth > maxScanDepth {
		return errTooDeep
	}
	switch t := s.(type) {
	case *hamba.RefSchema:
		return sc.value(t.Schema(), depth)
	case *hamba.NullSchema:
		return nil
	case *hamba.PrimitiveSchema:
		return sc.primitive(t.Type())
	case *hamba.FixedSchema:
		return sc.skip(int64(t.Size()))
	case *hamba.EnumSchema:
		_, err := sc.long()
		return err
	case *hamba.UnionSchema:
		i, err := sc.long()
		if err != nil {
			return err
		}
		if i < 0 || i >= int64(len(t.Types())) {
			return fmt.Errorf("serde/avro: union index %d out of range", i)
		}
		return sc.value(t.Types()[i], depth+1)
	case *hamba.RecordSchema:
		for _, f := range t.Fields() {
			if err := sc.value(f.Type(), depth+1); err != nil {
				return err
			}
		}
		return nil
	case *hamba.ArraySchema:
		return sc.blocks(depth, t.Items(), nil)
	case *hamba.MapSchema:
		str := hamba.NewPrimitiveSchema(hamba.String, nil)
		return sc.blocks(depth, t.Values(), str)
	}
	return fmt.Errorf("serde/avro: cannot scan schema type %s", s.Type())
}

// blocks walks the blocks of an array (key nil) or a map. Zero-size array items are counted
// without a loop, so a count of 2^62 costs nothing but the error.
func (sc *scanner) blocks(depth int, items, key hamba.Schema) error {
	empty := key == nil && zeroSize(items, map[hamba.Schema]bool{})
	for {
		n, err := sc.long()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if n < 0 {
			if n = -n; n < 0 {
				return fmt.Errorf("serde/avro: block count out of range")
			}
			if _, err := sc.long(); err != nil { // the block's size in bytes
				return err
			}
		}
		if empty {
			if sc.left -= n; sc.left < 0 {
				return errTooManyEmpty
			}
			continue
		}
		// Every item takes at least one byte, so the input ends this loop.
		for range n {
			if key != nil {
				if err := sc.value(key, depth+1); err != nil {
					return err
				}
			}
			if err := sc.value(items, depth+1); err != nil {
				return err
			}
		}
	}
}

func (sc *scanner) primitive(t hamba.Type) error {
	switch t {
	case hamba.Null:
		return nil
	case hamba.Boolean:
		return sc.skip(1)
	case hamba.Int, hamba.Long:
		_, err := sc.long()
		return err
	case hamba.Float:
		return sc.skip(4)
	case hamba.Double:
		return sc.skip(8)
	case hamba.Bytes, hamba.String:
		n, err := sc.long()
		if err != nil {
			return err
		}
		if n < 0 {
			return fmt.Errorf("serde/avro: negative length %d", n)
		}
		return sc.skip(n)
	}
	return fmt.Errorf("serde/avro: cannot scan type %s", t)
}

func (sc *scanner) skip(n int64) error {
	if n > int64(len(sc.b)-sc.pos) {
		return errShort
	}
	sc.pos += int(n)
	return nil
}

// long reads a zig-zag varint of at most 10 bytes.
func (sc *scanner) long() (int64, error) {
	var u uint64
	for i := 0; i < 10; i++ {
		if sc.pos >= len(sc.b) {
			return 0, errShort
		}
		c := sc.b[sc.pos]
		sc.pos++
		u |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return int64(u>>1) ^ -int64(u&1), nil
		}
	}
	return 0, errors.New("serde/avro: varint longer than 10 bytes")
}
