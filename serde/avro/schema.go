package avro

import (
	"context"
	"fmt"

	hamba "github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
)

// parse parses text after the schemas it references, all into one fresh cache, so that the
// named types the references define resolve and nothing leaks into hamba/avro's global cache.
func parse(ctx context.Context, c *serde.Client, text string, refs []sr.SchemaReference) (hamba.Schema, error) {
	cache := &hamba.SchemaCache{}
	if len(refs) > 0 {
		deps, err := c.References(ctx, refs)
		if err != nil {
			return nil, err
		}
		for _, dep := range deps {
			if _, err := hamba.ParseWithCache(dep.Schema.Schema, "", cache); err != nil {
				return nil, fmt.Errorf("serde/avro: reference %q (subject %q version %d): %w", dep.Name, dep.Subject, dep.Version, err)
			}
		}
	}
	s, err := hamba.ParseWithCache(text, "", cache)
	if err != nil {
		return nil, fmt.Errorf("serde/avro: %w", err)
	}
	return s, nil
}

// recordName is what the record name strategies use: the full name of a named schema
// (record, enum, fixed), "" for the others.
func recordName(s hamba.Schema) string {
	if n, ok := s.(hamba.NamedSchema); ok {
		return n.FullName()
	}
	return ""
}

// newAPI is the codec configuration of one serializer or deserializer, frozen separately so
// that nothing is shared with other users of hamba/avro in the program. hamba/avro's
// defaults, except that an array may not claim more than maxArrayItems items: its default
// trusts the count a record carries and allocates it up front, so a corrupt or hostile
// record of a few bytes could claim terabytes. Strings and bytes keep hamba/avro's 1 MiB
// limit.
func newAPI() hamba.API { return hamba.Config{MaxSliceAllocSize: maxArrayItems}.Freeze() }

// maxArrayItems bounds the items of one array in a record (2^20).
const maxArrayItems = 1 << 20
