package store

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/accord-registry/accord/compat"
)

// prepared is what precheck did for a record ahead of the state lock: the version its SCHEMA
// record decoded to (nil: not a SCHEMA record, or apply will report why it does not decode),
// and whether its schema was parsed and found valid.
type prepared struct {
	decoded []*version
	parsed  []bool
	count   int // schemas parsed
}

// precheck decodes, on every core and before the state lock is taken, the SCHEMA records in
// recs after offset after, and with check set parses the schemas of those that reference
// nothing, reporting for each record whether it parsed. Decoding needs no state; such a parse
// depends on the text alone, so it is the very parse checkSchema would do under the lock: the
// records that parsed are applied as Checked. Records that reference other schemas depend on
// the state and are parsed by checkSchema, in order; records that did not decode or parse
// are left to it too, to be rejected with their error. Nothing is applied or decided here.
//
// Reading a topic of 100,000 schemas spends most of its time in these parses, and a snapshot
// of a million records arrives as one batch that would otherwise be decoded under the lock,
// one record after another, so doing both in parallel is what keeps startup short.
//
// A text the parse cache holds, parsed as stored schemas are, is not parsed again: the
// leader's own registration often parsed that very text (a client that sends the canonical
// form). With keep set, a parse made here goes into the cache, under the key the next
// compatibility check against the version reads it with (parsedVersion): on a live registry
// the next registration into the subject is decided while the writes behind it wait, and
// would otherwise parse the version it just read back once more. The replay at startup does
// not keep its parses, which would only churn the bounded cache.
func precheck(recs []Record, after int64, check bool, cache *parseCache, keep bool) prepared {
	p := prepared{decoded: make([]*version, len(recs)), parsed: make([]bool, len(recs))}
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(recs)) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(recs)); i = next.Add(1) - 1 {
				if recs[i].Offset <= after || recs[i].Key == nil {
					continue
				}
				p.decoded[i] = prepareRecord(recs[i])
				if !check {
					continue
				}
				ok, tried := parsesAlone(recs[i], p.decoded[i], cache, keep)
				p.parsed[i] = ok
				if tried {
					done.Add(1)
				}
			}
		})
	}
	wg.Wait()
	p.count = int(done.Load())
	return p
}

// parsesAlone parses the schema of v, decoded from rec, if rec is not yet checked and the
// schema references nothing, as checkSchema would: ok reports whether it parses, tried
// whether it was parsed here rather than found in the cache.
func parsesAlone(rec Record, v *version, cache *parseCache, keep bool) (ok, tried bool) {
	if rec.Checked || v == nil || len(v.refs) > 0 || !compat.Supported(v.typ) {
		return false, false
	}
	key := parseKey{v.typ, v.text, compat.ParseOptions{}}
	if cache.get(key) != nil {
		return true, false
	}
	parsed, err := compat.Parse(v.typ, v.text, nil, key.opts)
	if err == nil && keep {
		cache.put(key, parsed)
	}
	return err == nil, true
}
