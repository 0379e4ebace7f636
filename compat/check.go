package compat

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/accord-registry/accord/compat/budget"
)

// Previous is one earlier version of the subject.
type Previous struct {
	Schema  *Schema
	Version int // 0 = unknown: no {oldSchemaVersion} entry
}

// CheckOptions selects the level and the validateFields flag echoed in the
// last message.
type CheckOptions struct {
	Level          Level
	ValidateFields bool
	// Policy is the subject's compatibilityPolicy; LENIENT widens JSON Schema's compatible
	// change kinds. The zero value is STRICT.
	Policy Policy
	// LegacyProtobufOneof applies the Protobuf oneof rules of Confluent releases before the
	// 2026 change (DGS-24604) instead of the current ones.
	LegacyProtobufOneof bool
	// FieldMessages are the registry's reserved-field violations (found with
	// validateFields on). They come first in the message list and make the
	// result incompatible whatever the schemas' differences.
	FieldMessages []string
	// MaxSteps bounds the work of each comparison of two schemas (see DefaultMaxSteps, used
	// when zero).
	MaxSteps int64
}

// Result is a compatibility verdict with Confluent's message list.
type Result struct {
	Compatible bool
	Messages   []string // never nil; empty when compatible
}

const (
	differentSchemaType = "Incompatible because of different schema type"
	maxOldSchemaLength  = 10 * 1024
)

// Check answers whether next may follow previous (oldest first, live versions
// only) under opts.Level, with Confluent's semantics and messages. It stops early with ctx's
// error when ctx is done, and with a *LimitError when comparing next with one previous version
// needs more than opts.MaxSteps steps; the Result is then empty.
func Check(ctx context.Context, next *Schema, previous []Previous, opts CheckOptions) (Result, error) {
	diffs, err := checkLevel(ctx, next, previous, opts)
	if err != nil {
		return Result{}, err
	}
	msgs := append(slices.Clone(opts.FieldMessages), diffs...)
	if len(msgs) == 0 {
		return Result{Compatible: true, Messages: []string{}}, nil
	}
	msgs = append(msgs, fmt.Sprintf("{validateFields: '%t', compatibility: '%s'}", opts.ValidateFields, opts.Level))
	return Result{Compatible: false, Messages: msgs}, nil
}

// checkLevel selects the previous versions to compare: the latest only, or
// all of them newest first, stopping at the first failure.
func checkLevel(ctx context.Context, next *Schema, previous []Previous, opts CheckOptions) ([]string, error) {
	level := opts.Level
	if !level.valid() || level == LevelNone || len(previous) == 0 {
		return nil, nil
	}
	if !level.Transitive() {
		return checkOne(ctx, next, previous[len(previous)-1], opts)
	}
	for i := len(previous) - 1; i >= 0; i-- {
		if msgs, err := checkOne(ctx, next, previous[i], opts); err != nil || len(msgs) > 0 {
			return msgs, err
		}
	}
	return nil, nil
}

// checkOne runs the level's directions against one previous version. FULL
// runs forward first, without the oldSchema entries, then backward with them.
// Each direction has its own budget.
func checkOne(ctx context.Context, next *Schema, p Previous, opts CheckOptions) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err // a comparison too small to look at the context itself still stops here
	}
	if next.typ != p.Schema.typ {
		return []string{differentSchemaType}, nil
	}
	level := opts.Level
	var msgs []string
	if level.forward() {
		diffs, err := readerDifferences(ctx, p.Schema, next, opts)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, formatDifferences(diffs, p, "old", "new", !level.backward())...)
	}
	if level.backward() {
		diffs, err := readerDifferences(ctx, next, p.Schema, opts)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, formatDifferences(diffs, p, "new", "old", true)...)
	}
	return msgs, nil
}

// readerDifferences lists why reader cannot read data written with writer,
// as message templates with two %s placeholders (reader side, writer side).
func readerDifferences(ctx context.Context, reader, writer *Schema, opts CheckOptions) ([]string, error) {
	f, ok := formatOf(reader.typ)
	if !ok {
		return nil, nil
	}
	b := budget.New(ctx, opts.MaxSteps)
	diffs := f.differences(reader.parsed, writer.parsed, opts, b)
	if err := b.Spent(); err != nil {
		return nil, err
	}
	return diffs, nil
}

// Policy is Confluent's compatibilityPolicy.
type Policy string

// The policies. LOGICAL (Confluent's Flink/Iceberg check) is accepted and treated as STRICT.
const (
	PolicyStrict  Policy = "STRICT"
	PolicyLenient Policy = "LENIENT"
)

// formatDifferences fills the placeholders and, when asked, appends the
// previous version's number and text (Confluent's formatErrorMessages).
func formatDifferences(diffs []string, p Previous, first, second string, appendSchema bool) []string {
	if len(diffs) == 0 {
		return nil
	}
	out := make([]string, 0, len(diffs)+2)
	for _, d := range diffs {
		out = append(out, javaFormat(d, first, second))
	}
	if !appendSchema {
		return out
	}
	if p.Version > 0 {
		out = append(out, fmt.Sprintf("{oldSchemaVersion: %d}", p.Version))
	}
	return append(out, oldSchemaEntry(p.Schema.Canonical()))
}

// oldSchemaEntry quotes the previous schema, cut to 10240 UTF-16 units as
// Java's String.substring would.
func oldSchemaEntry(text string) string {
	units := utf16.Encode([]rune(text))
	if len(units) <= maxOldSchemaLength {
		return "{oldSchema: '" + text + "'}"
	}
	cut := units[:maxOldSchemaLength]
	if last := cut[len(cut)-1]; last >= 0xD800 && last < 0xDC00 {
		cut = cut[:len(cut)-1] // never split a pair; Java would keep half of it
	}
	return "{oldSchema: <truncated> '" + string(utf16.Decode(cut)) + "...'}"
}

// javaFormat applies Java's String.format(template, a, b) for the specifiers
// that can occur: %s (consumes the next argument), %% and %n. Any other
// specifier is left as written (Java would throw).
func javaFormat(template string, a, b string) string {
	args := []string{a, b}
	var out strings.Builder
	for i := 0; i < len(template); i++ {
		c := template[i]
		if c != '%' || i+1 == len(template) {
			out.WriteByte(c)
			continue
		}
		switch template[i+1] {
		case 's':
			if len(args) > 0 {
				out.WriteString(args[0])
				args = args[1:]
			}
		case '%':
			out.WriteByte('%')
		case 'n':
			out.WriteByte('\n')
		default:
			out.WriteByte(c)
			continue
		}
		i++
	}
	return out.String()
}
