package avro

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/accord-registry/accord/compat/budget"
)

// Avro compatibility is Apache Avro Java's SchemaCompatibility
// (checkReaderWriterCompatibility), which Confluent calls directly: can a
// reader using schema R decode data written with schema W? Each rule of that
// checker is one function below, listed in avroRuleTable. For a (reader,
// writer) pair every rule whose condition holds runs, in table order, and
// all their incompatibilities are kept, in traversal order. Pairs are
// memoised on node identity, which ends recursion (a pair under evaluation
// counts as compatible) and, as in Java, repeats a pair's incompatibilities,
// with their first locations, wherever the pair is met again.

// The incompatibility types (Avro's SchemaIncompatibilityType).
const (
	incNameMismatch       = "NAME_MISMATCH"
	incFixedSizeMismatch  = "FIXED_SIZE_MISMATCH"
	incMissingEnumSymbols = "MISSING_ENUM_SYMBOLS"
	incReaderFieldMissing = "READER_FIELD_MISSING_DEFAULT_VALUE"
	incTypeMismatch       = "TYPE_MISMATCH"
	incMissingUnionBranch = "MISSING_UNION_BRANCH"
)

// avroRule is one rule: an ID, what it checks, when it applies, the check.
type avroRule struct {
	id      string
	purpose string
	applies func(r, w *avroNode) bool
	check   func(c *avroChecker, r, w *avroNode, loc []string) []Incompatibility
}

// avroRuleTable lists the rules in the order Avro applies them.
func avroRuleTable() []avroRule {
	return []avroRule{
		{"ARRAY_ITEMS", "array: the reader's items read the writer's items (location /items)",
			both(kindArray), checkArrayItems},
		{"MAP_VALUES", "map: the reader's values read the writer's values (location /values)",
			both(kindMap), checkMapValues},
		{incNameMismatch, "record, enum, fixed: same unqualified name, or a reader alias is the writer's full name",
			sameNamedKind, checkNameMismatch},
		{incFixedSizeMismatch, "fixed: same size (checked after the name)",
			both(kindFixed), checkFixedSizeMismatch},
		{incMissingEnumSymbols, "enum: the reader has every writer symbol, unless the reader has an enum default",
			both(kindEnum), checkMissingEnumSymbols},
		{incReaderFieldMissing, "record: each reader field reads the writer field of its name or alias, else has a default",
			both(kindRecord), checkReaderFieldMissingDefaultValue},
		{incMissingUnionBranch, "union read as union: every writer branch is readable by the reader union",
			both(kindUnion), checkMissingUnionBranch},
		{"WRITER_UNION", "union read as non-union: the reader reads every writer branch (location /<branch>)",
			writerUnionOnly, checkWriterUnion},
		{"READER_UNION", "non-union read as union: some reader branch reads the writer, else MISSING_UNION_BRANCH",
			readerUnionOnly, checkReaderUnion},
		{incTypeMismatch, "different non-union types: only int→long→float→double and string↔bytes promote",
			differentNonUnion, checkTypeMismatch},
	}
}

// avroPromotions lists, per reader type, the writer types it also reads.
var avroPromotions = map[avroKind][]avroKind{
	kindLong:   {kindInt},
	kindFloat:  {kindInt, kindLong},
	kindDouble: {kindInt, kindLong, kindFloat},
	kindString: {kindBytes},
	kindBytes:  {kindString},
}

func both(k avroKind) func(r, w *avroNode) bool {
	return func(r, w *avroNode) bool { return r.kind == k && w.kind == k }
}

func sameNamedKind(r, w *avroNode) bool { return r.kind == w.kind && r.kind.named() }

func writerUnionOnly(r, w *avroNode) bool { return w.kind == kindUnion && r.kind != kindUnion }

func readerUnionOnly(r, w *avroNode) bool { return r.kind == kindUnion && w.kind != kindUnion }

func differentNonUnion(r, w *avroNode) bool {
	return r.kind != w.kind && r.kind != kindUnion && w.kind != kindUnion
}

// Incompatibility is one of Avro Java's SchemaCompatibility.Incompatibility: type, location
// and message.
type Incompatibility struct {
	Type     string
	Location string
	Message  string
}

// newIncompat records an incompatibility at loc (Avro's JSON-pointer-like
// location; the root is "/").
func newIncompat(kind string, loc []string, message string) Incompatibility {
	parts := make([]string, len(loc))
	for i, t := range loc {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
	}
	return Incompatibility{Type: kind, Location: "/" + strings.Join(parts, "/"), Message: message}
}

// avroChecker is one run of ReaderWriterCompatibilityChecker.
type avroChecker struct {
	rules []avroRule
	memo  map[[2]*avroNode]*memoEntry
	err   error          // Avro threw: the run's only message
	work  *budget.Budget // nil: unlimited
}

type memoEntry struct {
	inProgress bool
	list       []Incompatibility
}

// Incompatibilities checks whether reader can read data written with
// writer. err is the exception Avro would throw instead.
func Incompatibilities(reader, writer *Schema) ([]Incompatibility, error) {
	return avroIncompatibilitiesWithin(nil, reader.root, writer.root)
}

// avroIncompatibilitiesWithin is Incompatibilities bounded by b.
func avroIncompatibilitiesWithin(b *budget.Budget, reader, writer *avroNode) ([]Incompatibility, error) {
	c := &avroChecker{rules: avroRuleTable(), memo: map[[2]*avroNode]*memoEntry{}, work: b}
	list := c.pair(reader, writer, nil)
	return list, c.err
}

// at checks a pair one location token deeper.
func (c *avroChecker) at(token string, r, w *avroNode, loc []string) []Incompatibility {
	return c.pair(r, w, append(loc, token))
}

// pair checks a pair, memoised on identity; a pair met again while it is
// being checked is compatible.
func (c *avroChecker) pair(r, w *avroNode, loc []string) []Incompatibility {
	if c.err != nil || !c.work.Enter() {
		return nil
	}
	defer c.work.Leave()
	key := [2]*avroNode{r, w}
	if e, ok := c.memo[key]; ok {
		if e.inProgress {
			return nil
		}
		c.work.Spend(len(e.list)) // the caller copies it
		return e.list
	}
	e := &memoEntry{inProgress: true}
	c.memo[key] = e
	var list []Incompatibility
	for _, rule := range c.rules {
		if rule.applies(r, w) {
			list = append(list, rule.check(c, r, w, loc)...)
		}
	}
	e.inProgress, e.list = false, list
	c.work.Spend(len(list)) // the caller copies it
	return list
}

func checkArrayItems(c *avroChecker, r, w *avroNode, loc []string) []Incompatibility {
	return c.at("items", r.items, w.items, loc)
}

func checkMapValues(c *avroChecker, r, w *avroNode, loc []string) []Incompatibility {
	return c.at("values", r.values, w.values, loc)
}

func checkNameMismatch(_ *avroChecker, r, w *avroNode, loc []string) []Incompatibility {
	if r.name.name == w.name.name || slices.Contains(readerAliases(r), w.name.full) {
		return nil
	}
	return []Incompatibility{newIncompat(incNameMismatch, append(loc, "name"), "expected: "+w.name.full)}
}

// readerAliases is Schema.getAliases(): full names, or ".name" for an alias
// explicitly put in no namespace by a type that has one.
func readerAliases(n *avroNode) []string {
	out := make([]string, len(n.aliases))
	for i, a := range n.aliases {
		out[i] = a.full
		if a.space == "" && n.name.space != "" {
			out[i] = "." + a.name
		}
	}
	return out
}

func checkFixedSizeMismatch(_ *avroChecker, r, w *avroNode, loc []string) []Incompatibility {
	if r.size == w.size {
		return nil
	}
	msg := fmt.Sprintf("expected: %d, found: %d", w.size, r.size)
	return []Incompatibility{newIncompat(incFixedSizeMismatch, append(loc, "size"), msg)}
}

func checkMissingEnumSymbols(_ *avroChecker, r, w *avroNode, loc []string) []Incompatibility {
	have := make(map[string]bool, len(r.symbols))
	for _, s := range r.symbols {
		have[s] = true
	}
	var missing []string
	for _, s := range w.symbols {
		if !have[s] {
			have[s] = true // report each once
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 || (r.enumDefault != nil && slices.Contains(r.symbols, *r.enumDefault)) {
		return nil
	}
	msg := "[" + strings.Join(sortedUTF16(missing), ", ") + "]"
	return []Incompatibility{newIncompat(incMissingEnumSymbols, append(loc, "symbols"), msg)}
}

// checkReaderFieldMissingDefaultValue walks the reader's fields. A field
// with no writer counterpart and no default is missing, except that Avro
// compares a field whose type is an enum with a default against the whole
// writer record instead (which fails with TYPE_MISMATCH).
func checkReaderFieldMissingDefaultValue(c *avroChecker, r, w *avroNode, loc []string) []Incompatibility {
	loc = append(loc, "fields")
	var list []Incompatibility
	for _, rf := range r.fields {
		if c.err != nil {
			return nil
		}
		floc := append(loc, strconv.Itoa(rf.pos))
		wf, err := lookupWriterField(w, rf)
		switch {
		case err != nil:
			c.err = err
			return nil
		case wf != nil:
			list = append(list, c.at("type", rf.typ, wf.typ, floc)...)
		case rf.def != nil:
		case rf.typ.kind == kindEnum && rf.typ.enumDefault != nil:
			list = append(list, c.at("type", rf.typ, w, floc)...)
		default:
			list = append(list, newIncompat(incReaderFieldMissing, floc, rf.name))
		}
	}
	return list
}

// lookupWriterField finds the writer field named like the reader field or
// like one of its aliases; more than one match is an error in Avro.
func lookupWriterField(w *avroNode, rf *avroField) (*avroField, error) {
	var found []*avroField
	for _, name := range append([]string{rf.name}, rf.aliases...) {
		if f := w.field(name); f != nil {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("Reader record field %s type:%s pos:%d matches multiple fields in writer record schema %s",
		rf.name, rf.typ.kind, rf.pos, resolvedText(w))
}

// checkMissingUnionBranch checks each writer branch against the whole reader
// union, in a fresh location context as Avro does.
func checkMissingUnionBranch(c *avroChecker, r, w *avroNode, loc []string) []Incompatibility {
	var list []Incompatibility
	for i, b := range w.branches {
		if len(c.pair(r, b, nil)) > 0 {
			msg := "reader union lacking writer type: " + b.kind.String()
			list = append(list, newIncompat(incMissingUnionBranch, append(loc, strconv.Itoa(i)), msg))
		}
	}
	return list
}

func checkWriterUnion(c *avroChecker, r, w *avroNode, loc []string) []Incompatibility {
	var list []Incompatibility
	for i, b := range w.branches {
		list = append(list, c.at(strconv.Itoa(i), r, b, loc)...)
	}
	return list
}

func checkReaderUnion(c *avroChecker, r, w *avroNode, loc []string) []Incompatibility {
	for _, b := range r.branches {
		if len(c.pair(b, w, nil)) == 0 {
			return nil
		}
	}
	return []Incompatibility{newIncompat(incMissingUnionBranch, loc, "reader union lacking writer type: "+w.kind.String())}
}

func checkTypeMismatch(_ *avroChecker, r, w *avroNode, loc []string) []Incompatibility {
	if slices.Contains(avroPromotions[r.kind], w.kind) {
		return nil
	}
	msg := fmt.Sprintf("reader type: %s not compatible with writer type: %s", r.kind, w.kind)
	return []Incompatibility{newIncompat(incTypeMismatch, loc, msg)}
}

// Differences renders the incompatibilities of reader reading writer as Confluent's
// Difference strings, with %s for the reader and writer sides. The work is charged to b (nil:
// unlimited); once b is spent the list is meaningless.
func Differences(reader, writer *Schema, b *budget.Budget) []string {
	list, err := avroIncompatibilitiesWithin(b, reader.root, writer.root)
	if err != nil {
		return []string{"Unexpected exception during compatibility check: " + err.Error()}
	}
	out := make([]string, len(list))
	for i, inc := range list {
		out[i] = "{errorType:'" + inc.Type + "', description:'" + inc.description() +
			"', additionalInfo:'" + inc.Message + "'}"
	}
	return out
}

// description is Confluent's Difference.error() text for the type.
func (i Incompatibility) description() string {
	p := i.Location
	switch i.Type {
	case incFixedSizeMismatch:
		return "The size of FIXED type field at path '" + p + "' in the %s schema does not match with the %s schema"
	case incTypeMismatch:
		return "The type (path '" + p + "') of a field in the %s schema does not match with the %s schema"
	case incNameMismatch:
		return "The name of the schema has changed (path '" + p + "')"
	case incMissingEnumSymbols:
		return "The %s schema is missing enum symbols '" + i.Message + "' at path '" + p + "' in the %s schema"
	case incMissingUnionBranch:
		return "The %s schema is missing a type inside a union field at path '" + p + "' in the %s schema"
	case incReaderFieldMissing:
		return "The field '" + i.Message + "' at path '" + p + "' in the %s schema has no default value and is missing in the %s schema"
	}
	return ""
}
