package jsonschema

import (
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"

	validator "github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/accord-registry/accord/compat/budget"

	"github.com/accord-registry/accord/compat/jackson"
)

// jsonSchemaRootURI is the base URI of a schema without $id; references by dependency name
// resolve against it.
const jsonSchemaRootURI = "mem:///schema.json"

// maxJSONSchemaDepth bounds the JSON nesting of a schema: the validator's cost grows with the
// cube of the depth (about 0.3 s at 300 levels), so deeper documents are refused.
const maxJSONSchemaDepth = 256

// jsonDepth is the nesting depth of v (a scalar is 0).
func jsonDepth(v *jackson.Value) int {
	d := 0
	for _, el := range v.Elems {
		d = max(d, jsonDepth(el)+1)
	}
	for _, m := range v.Members {
		d = max(d, jsonDepth(m.Val)+1)
	}
	return d
}

// Schema is a parsed JSON Schema: its diff model and its canonical text. It is
// immutable and safe for concurrent use.
type Schema struct {
	root      *jsNode
	canonical string
}

// Dependency is a schema the parsed schema references, already resolved by the
// caller. A dependency's own dependencies come earlier in the list.
type Dependency struct {
	Name   string // the reference name, which $ref resolves against the schema's base URI
	Type   string // the dependency's schema type as Confluent names it; only "JSON" is accepted
	Schema string // the dependency's schema text as stored
}

// Canonical returns the text Confluent would store: the document written compactly with its
// key order (sorted keys when parsed with normalize), numbers as Jackson's BigDecimal writes them.
func (f *Schema) Canonical() string { return f.canonical }

// Format reports false for every name: JSON Schema has no other formats, and Confluent then
// serves the canonical text.
func (f *Schema) Format(string) (string, bool) { return "", false }

// HasTopLevelField reports whether the root object schema (or the object part of a synthetic
// allOf) declares a property of that name.

func (f *Schema) HasTopLevelField(name string) bool {
	root := f.root.follow()
	if root.kind == jsObject {
		return jsLookupProp(root.props, name) != nil
	}
	if root.kind == jsCombined && root.criterion == "allOf" { // a synthetic allOf holds the object part
		for _, m := range root.members {
			if m = m.follow(); m.kind == jsObject && jsLookupProp(m.props, name) != nil {
				return true
			}
		}
	}
	return false
}

// Parse validates text (and the dependencies it references) with a JSON Schema
// compiler that loads nothing from network or disk, then builds the diff model. The
// canonical text is the document re-serialised compactly with its key order.
func Parse(text string, deps []Dependency, normalize bool) (*Schema, error) {
	root, err := jackson.Decode(text)
	if err != nil {
		return nil, err
	}
	if d := jsonDepth(root); d > maxJSONSchemaDepth {
		return nil, fmt.Errorf("schema nesting depth %d exceeds the maximum allowed (%d)", d, maxJSONSchemaDepth)
	}
	if root.Kind != jackson.Object && root.Kind != jackson.Bool {
		return nil, fmt.Errorf("invalid JSON Schema: %s", jackson.Render(root))
	}
	base := jsDocBase(jsonSchemaRootURI, root) // references resolve against the schema's $id
	b := &jsBuilder{docs: map[string]*jsDoc{}, nodes: map[string]*jsNode{}, anchors: map[string]jsLocation{},
		maxKeyBytes: maxJSONKeyBytes(text, deps)}
	c := validator.NewCompiler()
	c.Draft = validator.Draft7
	c.LoadURL = func(s string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("unknown reference %s: only registered references are resolved", s)
	}
	var docs []*jsDoc
	var uris []string
	for _, d := range deps {
		if d.Type != "JSON" {
			return nil, fmt.Errorf("a JSON schema cannot reference a %s schema", d.Type)
		}
		dv, err := jackson.Decode(d.Schema)
		if err != nil {
			return nil, fmt.Errorf("reference %s: %w", d.Name, err)
		}
		uri := jsResolveURI(base, d.Name)
		docs, uris = append(docs, b.addDoc(uri, dv)), append(uris, uri)
	}
	doc := b.addDoc(jsonSchemaRootURI, root)
	docs, uris = append(docs, doc), append(uris, jsonSchemaRootURI)
	rw := b.compilerRewrites(docs)
	for i, d := range docs {
		if err := c.AddResource(uris[i], strings.NewReader(rw.compilerCopy(d.root))); err != nil {
			return nil, err
		}
	}
	if err := c.AddResource(jsonCycleBreakURI, strings.NewReader("{}")); err != nil {
		return nil, err
	}
	if _, err := c.Compile(jsonSchemaRootURI); err != nil {
		return nil, err
	}
	canonical, err := jsonSchemaCanonical(root, normalize)
	if err != nil {
		return nil, err
	}
	model := b.node(doc, "", root)
	if b.keyBytes > b.maxKeyBytes {
		return nil, fmt.Errorf("schema too complex: its sub-schemas nested deep add up to more than %d bytes", b.maxKeyBytes)
	}
	return &Schema{root: model, canonical: canonical}, nil
}

// maxJSONKeyBytes bounds the model's keys (each sub-schema's text, repeated at every level
// above it: the text's size times the average nesting). Schemas written by hand nest a few
// levels on average, a few tens at most; past 32 times the text (and 1 MiB), building the keys
// costs seconds and GBs (2 MB of text nested 120 deep: 5 s and 2.7 GB) for no real schema.
func maxJSONKeyBytes(text string, deps []Dependency) int {
	n := len(text)
	for _, d := range deps {
		n += len(d.Schema)
	}
	return 1<<20 + 32*n
}

func jsKnownDraftURI(s string) bool {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://"), "#")
	switch s {
	case "json-schema.org/draft-04/schema", "json-schema.org/draft-06/schema", "json-schema.org/draft-07/schema",
		"json-schema.org/draft/2019-09/schema", "json-schema.org/draft/2020-12/schema":
		return true
	}
	return false
}

// Changes is the full change list of SchemaDiff.compare(original = writer, update = reader),
// compatible changes included, under the LENIENT policy when lenient is set, without a bound
// on the work.
func Changes(reader, writer *Schema, lenient bool) []Change {
	return newJSONDiffer(lenient).diff(reader, writer)
}

// diff is compare(original = writer, update = reader) from the roots.
func (d *jsonDiffer) diff(reader, writer *Schema) []Change {
	return d.compare(writer.root, reader.root, "#/")
}

// Differences lists the incompatible changes of reader (Confluent's update) against writer
// (its original) as Confluent's messages, templates with two %s placeholders (reader side,
// writer side). The comparison runs in verdict mode, charged to b (nil: unlimited); once b
// is spent the list is meaningless.
func Differences(reader, writer *Schema, lenient bool, b *budget.Budget) []string {
	d := newJSONVerdictDiffer(lenient, b)
	var out []string
	for _, c := range d.diff(reader, writer) {
		if d.kindCompatible(c.kind) {
			continue
		}
		desc := strings.ReplaceAll(jsonChangeKinds[c.kind].description, "'P'", "'"+c.path+"'")
		out = append(out, `{errorType:"`+c.kind+`", description:"`+desc+`'}`)
	}
	return out
}

// jsonKindInfo is a change kind's verdict under each policy and its message description
// (empty for the kinds Confluent gives no description).
type jsonKindInfo struct {
	strict, lenient bool
	description     string
}

// Descriptions of the messages, as Confluent's JSON Schema compatibility check writes them;
// 'P' is replaced by the path, the %s placeholders by compat ("new"/"old").
const (
	jsDescNotPresent     = "The keyword at path 'P' in the %s schema is not present in the %s schema"
	jsDescMore           = "The value at path 'P' in the %s schema is more than its value in the %s schema"
	jsDescLess           = "The value at path 'P' in the %s schema is less than its value in the %s schema"
	jsDescDifferent      = "The value at path 'P' is different between the %s and %s schema"
	jsDescFewer          = "An array or combined type at path 'P' has fewer elements in the %s schema than the %s schema"
	jsDescMoreElements   = "An array or combined type at path 'P' has more elements in the %s schema than the %s schema"
	jsDescType           = "A type at path 'P' is different between the %s schema and the %s schema"
	jsDescOpenAdded      = "The %s schema has an open content model and has a property or item at path 'P' which is missing in the %s schema"
	jsDescUnopenRequired = "The %s schema has an unopen content model and has a required property at path 'P' which is missing in the %s schema"
	jsDescClosedRemoved  = "The %s has a closed content model and is missing a property or item present at path 'P' in the %s schema"
	jsDescPartialRemoved = "A property or item is missing in the %s schema but present at path 'P' in the %s schema and is not covered by its partially open content model"
	jsDescPartialAdded   = "The %s schema has a property or item at path 'P' which is missing in the %s schema and is not covered by its partially open content model"
)

// jsonChangeKinds is every change kind of Confluent's JSON Schema SchemaDiff: whether it is
// compatible under the STRICT policy, under LENIENT (a larger compatible set), and its
// message description. A kind missing here is incompatible.
var jsonChangeKinds = map[string]jsonKindInfo{
	"ADDITIONAL_ITEMS_ADDED":                                       {true, true, ""},
	"ADDITIONAL_ITEMS_EXTENDED":                                    {true, true, ""},
	"ADDITIONAL_ITEMS_NARROWED":                                    {false, false, jsDescFewer},
	"ADDITIONAL_ITEMS_REMOVED":                                     {false, false, jsDescNotPresent},
	"ADDITIONAL_PROPERTIES_ADDED":                                  {true, true, ""},
	"ADDITIONAL_PROPERTIES_EXTENDED":                               {true, true, ""},
	"ADDITIONAL_PROPERTIES_NARROWED":                               {false, true, jsDescFewer},
	"ADDITIONAL_PROPERTIES_REMOVED":                                {false, true, jsDescNotPresent},
	"COMBINED_TYPE_CHANGED":                                        {false, false, jsDescType},
	"COMBINED_TYPE_EXTENDED":                                       {true, true, ""},
	"COMBINED_TYPE_SUBSCHEMAS_CHANGED":                             {false, false, jsDescType},
	"DEFAULT_CHANGED":                                              {true, true, ""},
	"DEPENDENCY_ARRAY_ADDED":                                       {false, false, jsDescNotPresent},
	"DEPENDENCY_ARRAY_CHANGED":                                     {false, false, jsDescDifferent},
	"DEPENDENCY_ARRAY_EXTENDED":                                    {false, false, jsDescMoreElements},
	"DEPENDENCY_ARRAY_NARROWED":                                    {true, true, ""},
	"DEPENDENCY_ARRAY_REMOVED":                                     {true, true, ""},
	"DEPENDENCY_SCHEMA_ADDED":                                      {false, false, jsDescNotPresent},
	"DEPENDENCY_SCHEMA_REMOVED":                                    {true, true, ""},
	"DESCRIPTION_CHANGED":                                          {true, true, ""},
	"ENUM_ARRAY_CHANGED":                                           {false, false, jsDescType},
	"ENUM_ARRAY_EXTENDED":                                          {true, true, ""},
	"ENUM_ARRAY_NARROWED":                                          {false, false, jsDescFewer},
	"EXCLUSIVE_MAXIMUM_ADDED":                                      {false, false, jsDescNotPresent},
	"EXCLUSIVE_MAXIMUM_DECREASED":                                  {false, false, jsDescLess},
	"EXCLUSIVE_MAXIMUM_INCREASED":                                  {true, true, ""},
	"EXCLUSIVE_MAXIMUM_REMOVED":                                    {true, true, ""},
	"EXCLUSIVE_MINIMUM_ADDED":                                      {false, false, jsDescNotPresent},
	"EXCLUSIVE_MINIMUM_DECREASED":                                  {true, true, ""},
	"EXCLUSIVE_MINIMUM_INCREASED":                                  {false, false, jsDescMore},
	"EXCLUSIVE_MINIMUM_REMOVED":                                    {true, true, ""},
	"ID_CHANGED":                                                   {true, true, ""},
	"ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":        {true, true, ""},
	"ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":       {false, false, jsDescPartialAdded},
	"ITEM_ADDED_TO_CLOSED_CONTENT_MODEL":                           {true, true, ""},
	"ITEM_ADDED_TO_OPEN_CONTENT_MODEL":                             {false, false, jsDescOpenAdded},
	"ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL":                       {false, false, jsDescClosedRemoved},
	"ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL":                         {true, true, ""},
	"ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":      {true, true, ""},
	"ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":     {false, false, jsDescPartialRemoved},
	"ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL":           {true, true, ""},
	"ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL":            {true, true, ""},
	"MAXIMUM_ADDED":                                                {false, false, jsDescNotPresent},
	"MAXIMUM_DECREASED":                                            {false, false, jsDescLess},
	"MAXIMUM_INCREASED":                                            {true, true, ""},
	"MAXIMUM_REMOVED":                                              {true, true, ""},
	"MAX_CONTAINS_ADDED":                                           {false, false, jsDescNotPresent},
	"MAX_CONTAINS_DECREASED":                                       {false, false, jsDescLess},
	"MAX_CONTAINS_INCREASED":                                       {true, true, ""},
	"MAX_CONTAINS_REMOVED":                                         {true, true, ""},
	"MAX_ITEMS_ADDED":                                              {false, false, jsDescNotPresent},
	"MAX_ITEMS_DECREASED":                                          {false, false, jsDescLess},
	"MAX_ITEMS_INCREASED":                                          {true, true, ""},
	"MAX_ITEMS_REMOVED":                                            {true, true, ""},
	"MAX_LENGTH_ADDED":                                             {false, false, jsDescNotPresent},
	"MAX_LENGTH_DECREASED":                                         {false, false, jsDescLess},
	"MAX_LENGTH_INCREASED":                                         {true, true, ""},
	"MAX_LENGTH_REMOVED":                                           {true, true, ""},
	"MAX_PROPERTIES_ADDED":                                         {false, false, jsDescNotPresent},
	"MAX_PROPERTIES_DECREASED":                                     {false, false, jsDescLess},
	"MAX_PROPERTIES_INCREASED":                                     {true, true, ""},
	"MAX_PROPERTIES_REMOVED":                                       {true, true, ""},
	"MINIMUM_ADDED":                                                {false, false, jsDescNotPresent},
	"MINIMUM_DECREASED":                                            {true, true, ""},
	"MINIMUM_INCREASED":                                            {false, false, jsDescMore},
	"MINIMUM_REMOVED":                                              {true, true, ""},
	"MIN_CONTAINS_ADDED":                                           {false, false, jsDescNotPresent},
	"MIN_CONTAINS_DECREASED":                                       {true, true, ""},
	"MIN_CONTAINS_INCREASED":                                       {false, false, jsDescMore},
	"MIN_CONTAINS_REMOVED":                                         {true, true, ""},
	"MIN_ITEMS_ADDED":                                              {false, false, jsDescNotPresent},
	"MIN_ITEMS_DECREASED":                                          {true, true, ""},
	"MIN_ITEMS_INCREASED":                                          {false, false, jsDescMore},
	"MIN_ITEMS_REMOVED":                                            {true, true, ""},
	"MIN_LENGTH_ADDED":                                             {false, false, jsDescNotPresent},
	"MIN_LENGTH_DECREASED":                                         {true, true, ""},
	"MIN_LENGTH_INCREASED":                                         {false, false, jsDescMore},
	"MIN_LENGTH_REMOVED":                                           {true, true, ""},
	"MIN_PROPERTIES_ADDED":                                         {false, false, jsDescNotPresent},
	"MIN_PROPERTIES_DECREASED":                                     {true, true, ""},
	"MIN_PROPERTIES_INCREASED":                                     {false, false, jsDescMore},
	"MIN_PROPERTIES_REMOVED":                                       {true, true, ""},
	"MULTIPLE_OF_ADDED":                                            {false, false, jsDescNotPresent},
	"MULTIPLE_OF_CHANGED":                                          {false, false, jsDescDifferent},
	"MULTIPLE_OF_EXPANDED":                                         {false, false, jsDescMore},
	"MULTIPLE_OF_REDUCED":                                          {true, true, ""},
	"MULTIPLE_OF_REMOVED":                                          {true, true, ""},
	"NOT_TYPE_EXTENDED":                                            {false, false, jsDescMoreElements},
	"NOT_TYPE_NARROWED":                                            {true, true, ""},
	"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL":                {false, true, jsDescOpenAdded},
	"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL":              {true, true, ""},
	"PATTERN_ADDED":                                                {false, false, jsDescNotPresent},
	"PATTERN_CHANGED":                                              {false, false, jsDescDifferent},
	"PATTERN_REMOVED":                                              {true, true, ""},
	"PRODUCT_TYPE_EXTENDED":                                        {false, false, jsDescMoreElements},
	"PRODUCT_TYPE_NARROWED":                                        {true, true, ""},
	"PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":    {true, true, ""},
	"PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":   {false, true, jsDescPartialAdded},
	"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL":                         {false, false, jsDescOpenAdded},
	"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL":                   {false, true, jsDescClosedRemoved},
	"PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL":                     {true, true, ""},
	"PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":  {true, true, ""},
	"PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": {false, true, jsDescPartialRemoved},
	"PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL":       {true, true, ""},
	"PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL":        {true, true, ""},
	"REQUIRED_ATTRIBUTE_ADDED":                                     {false, false, jsDescNotPresent},
	"REQUIRED_ATTRIBUTE_REMOVED":                                   {true, true, ""},
	"REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED":                        {true, true, ""},
	"REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL":                {false, false, jsDescOpenAdded},
	"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL":              {false, false, jsDescUnopenRequired},
	"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL":   {false, true, jsDescOpenAdded},
	"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL": {true, true, ""},
	"RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY":                    {false, false, ""},
	"RESERVED_PROPERTY_REMOVED":                                    {false, false, ""},
	"SCHEMA_ADDED":                                                 {false, false, ""},
	"SCHEMA_REMOVED":                                               {true, true, ""},
	"SUM_TYPE_EXTENDED":                                            {true, true, ""},
	"SUM_TYPE_NARROWED":                                            {false, false, jsDescFewer},
	"TITLE_CHANGED":                                                {true, true, ""},
	"TYPE_CHANGED":                                                 {false, false, jsDescType},
	"TYPE_EXTENDED":                                                {true, true, ""},
	"TYPE_NARROWED":                                                {false, false, jsDescType},
	"UNEVALUATED_ITEMS_ADDED":                                      {true, true, ""},
	"UNEVALUATED_ITEMS_EXTENDED":                                   {true, true, ""},
	"UNEVALUATED_ITEMS_NARROWED":                                   {false, false, jsDescFewer},
	"UNEVALUATED_ITEMS_REMOVED":                                    {false, false, jsDescNotPresent},
	"UNEVALUATED_PROPERTIES_ADDED":                                 {true, true, ""},
	"UNEVALUATED_PROPERTIES_EXTENDED":                              {true, true, ""},
	"UNEVALUATED_PROPERTIES_NARROWED":                              {false, true, jsDescFewer},
	"UNEVALUATED_PROPERTIES_REMOVED":                               {false, true, jsDescNotPresent},
	"UNIQUE_ITEMS_ADDED":                                           {false, false, jsDescNotPresent},
	"UNIQUE_ITEMS_REMOVED":                                         {true, true, ""},
}

// jsonValueKey is a value's identity for equality: object keys sorted, numbers by value.
func jsonValueKey(v *jackson.Value) string {
	var b strings.Builder
	writeJSONKey(&b, v)
	return b.String()
}

func writeJSONKey(b *strings.Builder, v *jackson.Value) {
	if v == nil {
		b.WriteString("\x00")
		return
	}
	switch v.Kind {
	case jackson.Number:
		if r, ok := new(big.Rat).SetString(v.Str); ok {
			b.WriteString(r.RatString())
			return
		}
		jackson.Write(b, v)
	case jackson.Array:
		b.WriteByte('[')
		for _, el := range v.Elems {
			writeJSONKey(b, el)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case jackson.Object:
		members := slices.Clone(v.Members)
		slices.SortFunc(members, func(x, y jackson.Member) int { return strings.Compare(x.Key, y.Key) })
		b.WriteByte('{')
		for _, m := range members {
			jackson.WriteString(b, m.Key)
			b.WriteByte(':')
			writeJSONKey(b, m.Val)
			b.WriteByte(',')
		}
		b.WriteByte('}')
	default:
		jackson.Write(b, v)
	}
}

// jsonSchemaCanonical renders a schema document compactly with its key order, as Confluent's
// Jackson mapper for JSON Schema does (USE_BIG_DECIMAL_FOR_FLOATS with exact BigDecimals):
// numbers with a fraction or exponent are written as BigDecimal.toString() of the literal
// (1.50 stays 1.50, 1e2 becomes 1E+2), integers as they are.
func jsonSchemaCanonical(v *jackson.Value, sorted bool) (string, error) {
	var b strings.Builder
	if !writeJSONSchemaValue(&b, v, sorted) {
		return "", fmt.Errorf("a number in the schema is longer than %d digits written plain", jackson.MaxNumberLength)
	}
	return b.String(), nil
}

// writeJSONSchemaValue writes v; false when a number is too long to be read back.
// With sorted, object keys are in Java String order, as Confluent's normalize() writes them.
func writeJSONSchemaValue(b *strings.Builder, v *jackson.Value, sorted bool) bool {
	ok := true
	switch v.Kind {
	case jackson.Number:
		if v.Num != jackson.Double {
			jackson.Write(b, v)
			break
		}
		dec := javaDecimal(v.Str)
		ok = len(dec) <= jackson.MaxNumberLength
		b.WriteString(dec)
	case jackson.Array:
		b.WriteByte('[')
		for i, el := range v.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			ok = writeJSONSchemaValue(b, el, sorted) && ok
		}
		b.WriteByte(']')
	case jackson.Object:
		members := v.Members
		if sorted {
			members = slices.Clone(members)
			slices.SortFunc(members, func(x, y jackson.Member) int { return jackson.CompareUTF16(x.Key, y.Key) })
		}
		b.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				b.WriteByte(',')
			}
			jackson.WriteString(b, m.Key)
			b.WriteByte(':')
			ok = writeJSONSchemaValue(b, m.Val, sorted) && ok
		}
		b.WriteByte('}')
	default:
		jackson.Write(b, v)
	}
	return ok
}

// javaDecimal is Java's new BigDecimal(lit).toString() for a JSON number literal: plain
// notation unless the scale is negative or the adjusted exponent is below -6.
func javaDecimal(lit string) string {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")
	mant, exp := lit, 0
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mant = lit[:i]
		e, err := strconv.Atoi(strings.TrimPrefix(lit[i+1:], "+"))
		if err != nil || e > 1<<30 || e < -(1<<30) {
			return lit // absurd exponents: keep the literal
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := len(frac) - exp
	if digits == "" {
		digits, neg = "0", false
	}
	adjusted := -scale + len(digits) - 1
	var out string
	switch {
	case scale == 0:
		out = digits
	case scale > 0 && adjusted >= -6:
		if len(digits) > scale {
			out = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
		} else {
			out = "0." + strings.Repeat("0", scale-len(digits)) + digits
		}
	default:
		out = digits[:1]
		if len(digits) > 1 {
			out += "." + digits[1:]
		}
		out += "E"
		if adjusted > 0 {
			out += "+"
		}
		out += strconv.Itoa(adjusted)
	}
	if neg {
		out = "-" + out
	}
	return out
}
