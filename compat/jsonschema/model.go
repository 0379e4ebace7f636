package jsonschema

import (
	"math/big"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/accord-registry/accord/compat/jackson"
)

// This file builds the schema model Confluent's JSON Schema diff works on: the object model
// of the everit loader (see the package documentation). Keyword groups become typed nodes in everit's
// order (enum, allOf/anyOf/oneOf, not, const, type, then sniffed array, object, number and
// string keywords, then if/then/else); several become a synthetic allOf, none an empty
// schema. Nodes are built once per location (document and JSON pointer), so a `$ref` to a
// location already being built shares its node and recursive schemas are finite graphs.

// jsKind is the everit schema class of a node.
type jsKind uint8

const (
	jsEmpty jsKind = iota
	jsTrue
	jsFalse
	jsRef
	jsEnum
	jsConst
	jsCombined
	jsNot
	jsString
	jsNumber
	jsBoolean
	jsNull
	jsObject
	jsArray
	jsConditional
)

// JSON Schema drafts, by their year or number.
const (
	draft4    = 4
	draft6    = 6
	draft7    = 7
	draft2019 = 2019
	draft2020 = 2020
)

// jsNode is one schema of the model.
type jsNode struct {
	kind jsKind

	// Common properties (compared as ID_CHANGED, TITLE_CHANGED, ...).
	id, title, description *string
	def                    *jackson.Value
	connectType            string

	ref *jsNode // jsRef: the target (nil when unresolved: treated as empty)

	values   []*jackson.Value // jsEnum
	constVal *jackson.Value   // jsConst

	criterion string    // jsCombined: allOf, anyOf or oneOf
	members   []*jsNode // jsCombined
	not       *jsNode   // jsNot

	// jsString
	minLength, maxLength *big.Rat
	pattern              *string

	// jsNumber
	integer                                      bool
	minimum, maximum, exclMin, exclMax, multiple *big.Rat

	// jsObject
	props              []jsProp
	required           []string
	patternProps       []jsPattern
	addPropsForbidden  bool
	addProps           *jsNode
	unevalProps        *jsNode // nil: absent
	minProps, maxProps *big.Rat
	depArrays          []jsDepArray
	depSchemas         []jsProp

	// jsArray
	items                    *jsNode   // one schema for every item
	tuple                    []*jsNode // positional items (items array, prefixItems)
	isTuple                  bool
	addItemsForbidden        bool
	addItems                 *jsNode
	unevalItems              *jsNode
	minItems, maxItems       *big.Rat
	minContains, maxContains *big.Rat
	unique                   bool

	key string // serialised form, for de-duplicating combined members
	// plain: the subtree has no $ref and no not, so an identical one (same key and draft)
	// reports no change at all.
	plain bool
	draft int

	propIndex map[string]*jsNode // props by name, for large objects
}

type jsProp struct {
	name   string
	schema *jsNode
}

type jsPattern struct {
	re     *regexp.Regexp // nil when Go cannot compile it: never matches
	schema *jsNode
}

type jsDepArray struct {
	name  string
	names []string
}

// isEmpty reports whether n accepts everything without constraints: `{}` or `true`.
func (n *jsNode) isEmpty() bool { return n.kind == jsEmpty || n.kind == jsTrue }

// follow resolves references (Confluent's normalizeSchema).
func (n *jsNode) follow() *jsNode {
	for i := 0; n != nil && n.kind == jsRef && i < 1000; i++ {
		if n.ref == nil {
			return &jsNode{kind: jsEmpty}
		}
		n = n.ref
	}
	return n
}

// jsDoc is one schema document: the schema being parsed or a dependency.
type jsDoc struct {
	uri   string
	root  *jackson.Value
	draft int
	bases map[string]string // base URI at each object with an $id inside the document, by pointer
}

// jsLocation is a schema inside a document.
type jsLocation struct {
	doc *jsDoc
	ptr string
	v   *jackson.Value
}

// indexDoc records the embedded resources of a document: subschemas with an $id (by their
// absolute URI, and by URI#name for a draft 6/7 plain-name $id) and 2019+ $anchor names.
func (b *jsBuilder) indexDoc(d *jsDoc) {
	d.bases = map[string]string{}
	var walk func(v *jackson.Value, ptr, base string, depth int)
	walk = func(v *jackson.Value, ptr, base string, depth int) {
		if depth > maxJSONSchemaDepth+1 {
			return
		}
		switch v.Kind {
		case jackson.Array:
			for i, el := range v.Elems {
				walk(el, ptr+"/"+strconv.Itoa(i), base, depth+1)
			}
			return
		case jackson.Object:
		default:
			return
		}
		if id, ok := v.Get(jsIdKeyword(d.draft)).TextValue(); ok && id != "" && ptr != "" {
			abs := jsResolveURI(base, id)
			u, frag := jsSplitFragment(abs)
			if frag != "" && !strings.HasPrefix(frag, "/") {
				b.anchors[abs] = jsLocation{d, ptr, v} // plain-name $id: "#name"
			} else {
				base = u
				d.bases[ptr] = base
				if _, taken := b.anchors[u]; !taken {
					b.anchors[u] = jsLocation{d, ptr, v}
				}
			}
		}
		if a, ok := v.Get("$anchor").TextValue(); ok && a != "" {
			b.anchors[base+"#"+a] = jsLocation{d, ptr, v}
		}
		for _, m := range v.Members {
			walk(m.Val, ptr+"/"+jsEscapePointer(m.Key), base, depth+1)
		}
	}
	walk(d.root, "", d.uri, 0)
}

// baseAt is the base URI in effect at ptr: the nearest enclosing $id.
func (d *jsDoc) baseAt(ptr string) string {
	for p := ptr; ; {
		if base, ok := d.bases[p]; ok {
			return base
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return d.uri
		}
		p = p[:i]
	}
}

// jsBuilder builds the model of one document and the dependencies it references.
type jsBuilder struct {
	docs    map[string]*jsDoc     // by absolute URI without fragment
	anchors map[string]jsLocation // embedded resources and anchors, by absolute URI
	nodes   map[string]*jsNode
	// keyBytes counts the text of the nodes' keys, which repeat each sub-schema at every level
	// above it; past maxKeyBytes (when set) no more nodes are built and the parse fails.
	keyBytes, maxKeyBytes int
}

// jsDraftOf reads the draft from a root's $schema; draft 7 when absent or unknown.
func jsDraftOf(root *jackson.Value) int {
	s, _ := root.Get("$schema").TextValue()
	switch {
	case strings.Contains(s, "draft-04"):
		return draft4
	case strings.Contains(s, "draft-06"):
		return draft6
	case strings.Contains(s, "2019-09"):
		return draft2019
	case strings.Contains(s, "2020-12"):
		return draft2020
	}
	return draft7
}

// jsResolveURI resolves ref against base; both may be relative.
func jsResolveURI(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

func jsSplitFragment(u string) (string, string) {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i], u[i+1:]
	}
	return u, ""
}

// jsIdKeyword is the identifier keyword of a draft.
func jsIdKeyword(draft int) string {
	if draft == draft4 {
		return "id"
	}
	return "$id"
}

// addDoc registers a document under its URI and, when different, its $id.
func (b *jsBuilder) addDoc(uri string, root *jackson.Value) *jsDoc {
	d := &jsDoc{uri: jsDocBase(uri, root), root: root, draft: jsDraftOf(root)}
	b.docs[uri] = d
	if _, taken := b.docs[d.uri]; !taken {
		b.docs[d.uri] = d
	}
	b.indexDoc(d)
	return d
}

// jsDocBase is a document's base URI: its $id resolved against uri, else uri.
func jsDocBase(uri string, root *jackson.Value) string {
	id, ok := root.Get(jsIdKeyword(jsDraftOf(root))).TextValue()
	if !ok || id == "" {
		return uri
	}
	abs, _ := jsSplitFragment(jsResolveURI(uri, id))
	return abs
}

// node returns the model of the value at ptr in doc, building it once.
func (b *jsBuilder) node(doc *jsDoc, ptr string, v *jackson.Value) *jsNode {
	key := doc.uri + "#" + ptr
	if n, ok := b.nodes[key]; ok {
		return n
	}
	if b.maxKeyBytes > 0 && b.keyBytes > b.maxKeyBytes {
		return &jsNode{}
	}
	n := &jsNode{}
	b.nodes[key] = n
	b.fill(n, doc, ptr, v)
	n.key = jsonValueKey(v) // key order and number spelling do not matter, as in everit's form
	b.keyBytes += len(n.key)
	n.draft = doc.draft
	n.plain = !strings.Contains(n.key, `"$ref"`) && !strings.Contains(n.key, `"not"`)
	return n
}

// child builds the schema under key of v.
func (b *jsBuilder) child(doc *jsDoc, ptr string, v *jackson.Value, keys ...string) *jsNode {
	for _, k := range keys {
		v = v.Get(k)
		ptr += "/" + jsEscapePointer(k)
	}
	if v == nil {
		return nil
	}
	return b.node(doc, ptr, v)
}

func jsEscapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func jsUnescapePointer(s string) string {
	s, _ = url.PathUnescape(s)
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// resolveRef finds the target of a $ref written at ptr in doc.
func (b *jsBuilder) resolveRef(doc *jsDoc, at, ref string) *jsNode {
	loc, ok := b.refLocation(doc, at, ref)
	if !ok {
		return nil
	}
	return b.node(loc.doc, loc.ptr, loc.v)
}

// jsRootPointerRef reports whether a $ref written at ptr in doc is a same-document pointer
// ("#" or "#/...") inside a subschema with its own $id, up to draft 7. everit's
// ReferenceLookup evaluates such a pointer against the document's root, not against the
// subschema's $id; later drafts (json-sKema) use the nearest $id, as the specification says.
func jsRootPointerRef(doc *jsDoc, at, ref string) bool {
	return doc.draft <= draft7 && (ref == "#" || strings.HasPrefix(ref, "#/")) && doc.baseAt(at) != doc.uri
}

// refLocation finds the schema value a $ref written at ptr in doc points to. A root pointer
// (jsRootPointerRef) that the root cannot resolve falls back to the $id's resource, which
// Confluent refuses and Accord keeps accepting.
func (b *jsBuilder) refLocation(doc *jsDoc, at, ref string) (jsLocation, bool) {
	if jsRootPointerRef(doc, at, ref) {
		if loc, ok := b.locate(doc.uri + ref); ok {
			return loc, true
		}
	}
	return b.locate(jsResolveURI(doc.baseAt(at), ref))
}

// locate finds the schema value at an absolute URI.
func (b *jsBuilder) locate(abs string) (jsLocation, bool) {
	if loc, ok := b.anchors[abs]; ok {
		return loc, true
	}
	docURI, frag := jsSplitFragment(abs)
	var v *jackson.Value
	var target *jsDoc
	ptr := ""
	if loc, ok := b.anchors[docURI]; ok { // an embedded resource
		target, v, ptr = loc.doc, loc.v, loc.ptr
	} else if d, ok := b.docs[docURI]; ok {
		target, v = d, d.root
	} else {
		return jsLocation{}, false
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return jsLocation{}, false // an unknown anchor
	}
	if frag != "" {
		for _, tok := range strings.Split(frag[1:], "/") {
			tok = jsUnescapePointer(tok)
			switch v.Kind {
			case jackson.Object:
				v = v.Get(tok)
			case jackson.Array:
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(v.Elems) {
					return jsLocation{}, false
				}
				v = v.Elems[i]
			default:
				return jsLocation{}, false
			}
			if v == nil {
				return jsLocation{}, false
			}
			ptr += "/" + jsEscapePointer(tok)
		}
	}
	return jsLocation{target, ptr, v}, true
}

// keyword sets of the sniffing extractor.
func jsArrayKeywords() []string {
	return []string{"items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains",
		"prefixItems", "minContains", "maxContains", "unevaluatedItems"}
}

func jsObjectKeywords() []string {
	return []string{"properties", "required", "minProperties", "maxProperties", "dependencies",
		"patternProperties", "additionalProperties", "propertyNames", "dependentRequired",
		"dependentSchemas", "unevaluatedProperties"}
}

func jsNumberKeywords() []string {
	return []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
}

func jsStringKeywords() []string { return []string{"minLength", "maxLength", "pattern", "format"} }

func jsHasAny(v *jackson.Value, keys []string) bool {
	for _, k := range keys {
		if v.Get(k) != nil {
			return true
		}
	}
	return false
}

// fill builds n from the schema value v: a boolean schema, or the parts its keywords make
// (a $ref, combinators, and one typed part per type), assembled as Confluent's loader does.
func (b *jsBuilder) fill(n *jsNode, doc *jsDoc, ptr string, v *jackson.Value) {
	switch v.Kind {
	case jackson.Bool:
		n.kind = jsFalse
		if v.Bool {
			n.kind = jsTrue
		}
		return
	case jackson.Object:
	default:
		n.kind = jsEmpty // rejected by validation; kept total for safety
		return
	}
	b.fillCommon(n, doc, v)
	var parts []*jsNode
	if ref, ok := v.Get("$ref").TextValue(); ok {
		parts = append(parts, &jsNode{kind: jsRef, ref: b.resolveRef(doc, ptr, ref), key: "$ref:" + ref})
		if doc.draft <= draft7 {
			b.assemble(n, parts)
			return
		}
	}
	parts = append(parts, b.combinatorParts(doc, ptr, v)...)
	parts = append(parts, b.typeParts(doc, ptr, v)...)
	b.assemble(n, parts)
}

// combinatorParts are the parts of enum, allOf/anyOf/oneOf, not and const.
func (b *jsBuilder) combinatorParts(doc *jsDoc, ptr string, v *jackson.Value) []*jsNode {
	var parts []*jsNode
	if e := v.Get("enum"); e != nil && e.Kind == jackson.Array {
		parts = append(parts, &jsNode{kind: jsEnum, values: e.Elems, key: jackson.Render(e)})
	}
	for _, crit := range []string{"allOf", "anyOf", "oneOf"} {
		if list := v.Get(crit); list != nil && list.Kind == jackson.Array {
			c := &jsNode{kind: jsCombined, criterion: crit, key: crit + jackson.Render(list)}
			for i := range list.Elems {
				c.members = append(c.members, b.node(doc, ptr+"/"+crit+"/"+strconv.Itoa(i), list.Elems[i]))
			}
			parts = append(parts, c)
		}
	}
	if not := b.child(doc, ptr, v, "not"); not != nil {
		parts = append(parts, &jsNode{kind: jsNot, not: not, key: "not" + not.key})
	}
	if c := v.Get("const"); c != nil && doc.draft >= draft6 {
		parts = append(parts, &jsNode{kind: jsConst, constVal: c, key: "const" + jackson.Render(c)})
	}
	return parts
}

// typeParts are the typed parts: those the type keyword names, then one per type whose
// keywords appear without it (Confluent's loader infers the type from them), then if/then/else.
func (b *jsBuilder) typeParts(doc *jsDoc, ptr string, v *jackson.Value) []*jsNode {
	var parts []*jsNode
	consumed := map[string]bool{}
	if t := v.Get("type"); t != nil {
		switch t.Kind {
		case jackson.String:
			parts = append(parts, b.typed(doc, ptr, v, t.Str, consumed))
		case jackson.Array:
			c := &jsNode{kind: jsCombined, criterion: "anyOf", key: "type" + jackson.Render(t)}
			for _, el := range t.Elems {
				if s, ok := el.TextValue(); ok {
					c.members = append(c.members, b.typed(doc, ptr, v, s, consumed))
				}
			}
			parts = append(parts, c)
		}
	}
	for _, k := range []struct {
		typ      string
		keywords []string
	}{{"array", jsArrayKeywords()}, {"object", jsObjectKeywords()}, {"number", jsNumberKeywords()}, {"string", jsStringKeywords()}} {
		if sniffKeywords(doc, v, k.keywords, consumed) {
			parts = append(parts, b.typed(doc, ptr, v, k.typ, consumed))
		}
	}
	if jsHasAny(v, []string{"if", "then", "else"}) && doc.draft >= draft7 {
		parts = append(parts, &jsNode{kind: jsConditional, key: "if"})
	}
	return parts
}

// sniffKeywords reports whether v has one of keywords that no typed part consumed yet.
func sniffKeywords(doc *jsDoc, v *jackson.Value, keywords []string, consumed map[string]bool) bool {
	for _, k := range keywords {
		kv := v.Get(k)
		if consumed[k] || kv == nil {
			continue
		}
		if k == "properties" && doc.draft >= draft2019 && kv.Kind == jackson.Object && len(kv.Members) == 0 {
			continue // json-sKema drops an empty properties keyword: {"properties":{}} is empty
		}
		return true
	}
	return false
}

// assemble turns the extracted parts into n: empty, the single part, or a synthetic allOf.
func (b *jsBuilder) assemble(n *jsNode, parts []*jsNode) {
	switch len(parts) {
	case 0:
		n.kind = jsEmpty
	case 1:
		p := parts[0]
		common := *n
		*n = *p
		n.id, n.title, n.description, n.def, n.connectType = common.id, common.title, common.description, common.def, common.connectType
	default:
		n.kind = jsCombined
		n.criterion = "allOf"
		n.members = parts
	}
}

func (b *jsBuilder) fillCommon(n *jsNode, doc *jsDoc, v *jackson.Value) {
	str := func(k string) *string {
		if s, ok := v.Get(k).TextValue(); ok {
			return &s
		}
		return nil
	}
	if doc.draft < draft2019 { // json-sKema does not carry $id into the model
		n.id = str(jsIdKeyword(doc.draft))
	}
	n.title = str("title")
	n.description = str("description")
	n.def = v.Get("default")
	n.connectType, _ = v.Get("connect.type").TextValue()
}

// typed builds the schema of one type name with that type's keywords.
func (b *jsBuilder) typed(doc *jsDoc, ptr string, v *jackson.Value, typ string, consumed map[string]bool) *jsNode {
	consume := func(keys []string) {
		for _, k := range keys {
			consumed[k] = true
		}
	}
	n := &jsNode{key: typ}
	switch typ {
	case "string":
		consume(jsStringKeywords())
		n.kind = jsString
		n.minLength = jsNumberOf(v.Get("minLength"))
		n.maxLength = jsNumberOf(v.Get("maxLength"))
		if p, ok := v.Get("pattern").TextValue(); ok {
			n.pattern = &p
		}
	case "integer", "number":
		consume(jsNumberKeywords())
		n.kind = jsNumber
		n.integer = typ == "integer"
		n.minimum = jsNumberOf(v.Get("minimum"))
		n.maximum = jsNumberOf(v.Get("maximum"))
		n.exclMin = jsNumberOf(v.Get("exclusiveMinimum")) // draft 4's boolean form is ignored
		n.exclMax = jsNumberOf(v.Get("exclusiveMaximum"))
		n.multiple = jsNumberOf(v.Get("multipleOf"))
	case "boolean":
		n.kind = jsBoolean
	case "null":
		n.kind = jsNull
	case "object":
		consume(jsObjectKeywords())
		b.fillObject(n, doc, ptr, v)
	case "array":
		consume(jsArrayKeywords())
		b.fillArray(n, doc, ptr, v)
	default:
		n.kind = jsEmpty
	}
	return n
}

func jsNumberOf(v *jackson.Value) *big.Rat {
	if v == nil || v.Kind != jackson.Number {
		return nil
	}
	r, ok := new(big.Rat).SetString(v.Str)
	if !ok {
		return nil
	}
	return r
}

func jsStringsOf(v *jackson.Value) []string {
	var out []string
	if v == nil || v.Kind != jackson.Array {
		return nil
	}
	for _, el := range v.Elems {
		if s, ok := el.TextValue(); ok {
			out = append(out, s)
		}
	}
	return out
}

func (b *jsBuilder) fillObject(n *jsNode, doc *jsDoc, ptr string, v *jackson.Value) {
	n.kind = jsObject
	if props := v.Get("properties"); props != nil && props.Kind == jackson.Object {
		for _, m := range props.Members {
			n.props = append(n.props, jsProp{m.Key, b.child(doc, ptr, v, "properties", m.Key)})
		}
	}
	if len(n.props) > 8 {
		n.propIndex = make(map[string]*jsNode, len(n.props))
		for _, p := range n.props {
			if _, dup := n.propIndex[p.name]; !dup {
				n.propIndex[p.name] = p.schema
			}
		}
	}
	n.required = jsStringsOf(v.Get("required"))
	if pp := v.Get("patternProperties"); pp != nil && pp.Kind == jackson.Object {
		for _, m := range pp.Members {
			re, _ := regexp.Compile(m.Key)
			n.patternProps = append(n.patternProps, jsPattern{re, b.child(doc, ptr, v, "patternProperties", m.Key)})
		}
	}
	if ap := v.Get("additionalProperties"); ap != nil {
		switch {
		case ap.Kind == jackson.Bool:
			n.addPropsForbidden = !ap.Bool
		default:
			n.addProps = b.child(doc, ptr, v, "additionalProperties")
		}
	}
	n.unevalProps = b.child(doc, ptr, v, "unevaluatedProperties")
	n.minProps = jsNumberOf(v.Get("minProperties"))
	n.maxProps = jsNumberOf(v.Get("maxProperties"))
	addDeps := func(kw string, arrays, schemas bool) {
		deps := v.Get(kw)
		if deps == nil || deps.Kind != jackson.Object {
			return
		}
		for _, m := range deps.Members {
			if m.Val.Kind == jackson.Array && arrays {
				n.depArrays = append(n.depArrays, jsDepArray{m.Key, jsStringsOf(m.Val)})
			} else if m.Val.Kind != jackson.Array && schemas {
				n.depSchemas = append(n.depSchemas, jsProp{m.Key, b.child(doc, ptr, v, kw, m.Key)})
			}
		}
	}
	addDeps("dependencies", true, true)
	addDeps("dependentRequired", true, false)
	addDeps("dependentSchemas", false, true)
}

// jsAllItemsSchema reports whether a draft 4 to 2019-09 array has one items schema for every
// item (not a tuple).
func jsAllItemsSchema(doc *jsDoc, v *jackson.Value) bool {
	it := v.Get("items")
	return doc.draft < draft2020 && it != nil && it.Kind != jackson.Array
}

func (b *jsBuilder) fillArray(n *jsNode, doc *jsDoc, ptr string, v *jackson.Value) {
	n.kind = jsArray
	// Before 2020-12, items is a schema or a tuple and additionalItems stands on its own. From
	// 2020-12 (json-sKema's translation), prefixItems is the tuple and items is the schema of
	// the others: its boolean form is additionalItems, a schema is additionalItems after a
	// tuple and the schema of all items otherwise.
	tupleKey, addKey := "items", "additionalItems"
	if doc.draft >= draft2020 {
		tupleKey, addKey = "prefixItems", "items"
	}
	if t := v.Get(tupleKey); t != nil && t.Kind == jackson.Array {
		n.isTuple = true
		for i := range t.Elems {
			n.tuple = append(n.tuple, b.node(doc, ptr+"/"+tupleKey+"/"+strconv.Itoa(i), t.Elems[i]))
		}
	}
	switch ai := v.Get(addKey); {
	case ai == nil:
	case ai.Kind == jackson.Bool:
		// everit's ArraySchema constructor overrides additionalItems: false when an all-items
		// schema is set (draft-07 §6.4.2: additionalItems is ignored beside a single items
		// schema); a schema there is kept and diffed.
		n.addItemsForbidden = !ai.Bool && !jsAllItemsSchema(doc, v)
	case addKey == "items" && !n.isTuple:
		n.items = b.child(doc, ptr, v, addKey)
	default:
		n.addItems = b.child(doc, ptr, v, addKey)
	}
	if jsAllItemsSchema(doc, v) {
		n.items = b.child(doc, ptr, v, "items")
	}
	n.unevalItems = b.child(doc, ptr, v, "unevaluatedItems")
	n.minItems = jsNumberOf(v.Get("minItems"))
	n.maxItems = jsNumberOf(v.Get("maxItems"))
	n.minContains = jsNumberOf(v.Get("minContains"))
	n.maxContains = jsNumberOf(v.Get("maxContains"))
	if n.minContains == nil && doc.draft >= draft2019 && v.Get("contains") != nil {
		n.minContains = big.NewRat(1, 1) // json-sKema records the default
	}
	if u := v.Get("uniqueItems"); u != nil && u.Kind == jackson.Bool {
		n.unique = u.Bool
	}
}
