package store

import (
	"encoding/json"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/accord-registry/accord/compat"
)

// precheck parses, on every core and before the state lock is taken, the schemas of the
// SCHEMA records in recs after offset after that reference nothing, and reports for each record whether it
// parsed, and how many it parsed. Such a parse depends on the text alone, so it is the very parse checkSchema would
// do under the lock: the records that parsed are applied as Checked. Records that reference
// other schemas depend on the state and are parsed by checkSchema, in order; records that did
// not decode or parse are left to it too, to be rejected with their error. Nothing is
// applied or decided here.
//
// Reading a topic of 100,000 schemas spends most of its time in these parses, and the
// reader applies fetched batches of thousands of records, so parsing them in parallel is
// what keeps a startup that parses every schema close to one that parses none.
//
// A text the parse cache holds, parsed as stored schemas are, is not parsed again: the
// leader's own registration often parsed that very text (a client that sends the canonical
// form). With keep set, a parse made here goes into the cache, under the key the next
// compatibility check against the version reads it with (parsedVersion): on a live registry
// the next registration into the subject is decided while the writes behind it wait, and
// would otherwise parse the version it just read back once more. The replay at startup does
// not keep its parses, which would only churn the bounded cache.
func precheck(recs []Record, after int64, cache *parseCache, keep bool) (parsed []bool, count int) {
	parsed = make([]bool, len(recs))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(recs)) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(recs)); i = next.Add(1) - 1 {
				if recs[i].Offset <= after {
					continue
				}
				ok, tried := parsesAlone(recs[i], cache, keep)
				parsed[i] = ok
				if tried {
					done.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return parsed, int(done.Load())
}

// parsesAlone checks rec's schema if rec is a SCHEMA record, not yet checked, whose schema
// references nothing, as checkSchema would: ok reports whether it parses, tried whether it
// was parsed here rather than found in the cache.
func parsesAlone(rec Record, cache *parseCache, keep bool) (ok, tried bool) {
	if rec.Checked || rec.Value == nil {
		return false, false
	}
	k, err := decodeKey(rec.Key)
	if err != nil || k.Type != keySchema {
		return false, false
	}
	var v schemaValue
	if err := json.Unmarshal(rec.Value, &v); err != nil || len(v.References) > 0 {
		return false, false
	}
	if v.SchemaType == "" {
		v.SchemaType = compat.TypeAvro
	}
	if !compat.Supported(v.SchemaType) {
		return false, false
	}
	key := parseKey{v.SchemaType, v.Schema, compat.ParseOptions{}}
	if cache.get(key) != nil {
		return true, false
	}
	p, err := compat.Parse(v.SchemaType, v.Schema, nil, key.opts)
	if err == nil && keep {
		cache.put(key, p)
	}
	return err == nil, true
}
