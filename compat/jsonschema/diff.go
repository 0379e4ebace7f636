package jsonschema

import (
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/accord-registry/accord/compat/jackson"
)

// JSON Schema compatibility is Confluent's SchemaDiff.compare(original, update) over the
// everit model (see the package documentation): the diff reports every change, compatible or not, as a
// change kind at a JSON-pointer path; the pair is compatible when every kind is in the
// policy's compatible set. The general algorithm (missing schemas, references, combined
// versus plain schemas, class check, common properties) is jsonDiffer.compare; each
// class-specific rule is one function listed in jsonRuleTable.

// Change is one change SchemaDiff reports, compatible or not: a change kind at a
// JSON-pointer path.
type Change struct {
	kind string
	path string
}

// String is the change as Confluent's test corpora write it: "<KIND> <path>".
func (c Change) String() string { return c.kind + " " + c.path }

// jsonDiffer holds the state of one diff: the policy and the pairs being compared.
type jsonDiffer struct {
	lenient bool
	memo    map[[2]*jsNode]jsMemo // pairs being compared (not done) and compared
	rules   []jsonRule
	verdict jsVerdictMode // zero: every change listed, no limit (Changes)
}

func newJSONDiffer(lenient bool) *jsonDiffer {
	return &jsonDiffer{
		lenient: lenient,
		memo:    map[[2]*jsNode]jsMemo{},
		rules:   jsonRuleTable(),
	}
}

// compatible reports whether every change is compatible under the differ's policy.
func (d *jsonDiffer) compatible(changes []Change) bool {
	for _, c := range changes {
		if !d.kindCompatible(c.kind) {
			return false
		}
	}
	return true
}

func (d *jsonDiffer) kindCompatible(kind string) bool {
	info, ok := jsonChangeKinds[kind]
	if !ok {
		return false
	}
	if d.lenient {
		return info.lenient
	}
	return info.strict
}

func jsChildPath(path string, segs ...string) string {
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	if len(segs) == 1 {
		return path + segs[0]
	}
	return path + strings.Join(segs, "/")
}

// compareFull is SchemaDiff.compare: the changes from original to update at path (see compare).
func (d *jsonDiffer) compareFull(original, update *jsNode, path string) []Change {
	switch {
	case original == nil && update == nil:
		return nil
	case original == nil:
		return []Change{{"SCHEMA_ADDED", path}}
	case update == nil:
		return []Change{{"SCHEMA_REMOVED", path}}
	}
	original, update = original.follow(), update.follow()
	if original.plain && update.plain && original.draft == update.draft && original.key == update.key {
		return nil
	}
	// The memo comes before the type comparison, as in Confluent's Context.compareMemoized: a
	// combined schema whose member refers back to it (`{"anyOf":[{"$ref":"#"}, ...]}`) meets
	// the same pair again in compareCombinedWithPlain.
	pair := [2]*jsNode{original, update}
	if m, ok := d.memo[pair]; ok {
		if !m.done {
			return nil // met again while being compared: recursion counts as compatible
		}
		return jsRebase(m.changes, path)
	}
	d.memo[pair] = jsMemo{}
	changes := d.compareTypes(original, update, path)
	d.memo[pair] = jsMemo{done: true, changes: jsRelative(changes, path)}
	return changes
}

// compareTypes is SchemaDiff.compareTypes: the changes of a pair not compared before.
func (d *jsonDiffer) compareTypes(original, update *jsNode, path string) []Change {
	if changes, done := d.compareCombinedWithPlain(original, update, path); done {
		return changes
	}
	if original.kind != update.kind {
		if original.kind == jsFalse || update.isEmpty() {
			return nil
		}
		if original.connectType == "bytes" && update.connectType == "bytes" {
			return nil
		}
		return []Change{{"TYPE_CHANGED", path}}
	}
	var changes []Change
	for _, r := range d.rules {
		if r.applies(original, update) {
			changes = append(changes, r.check(d, original, update, path)...)
		}
		if d.verdict.quick && !d.compatible(changes) {
			break
		}
	}
	return changes
}

// jsMemo is the state of a pair: being compared, or done with its changes (paths relative
// to the pair's path).
type jsMemo struct {
	done    bool
	changes []Change
}

// jsRelative strips path from the changes' paths, for the memo.
func jsRelative(changes []Change, path string) []Change {
	if len(changes) == 0 {
		return nil
	}
	out := make([]Change, len(changes))
	for i, c := range changes {
		out[i] = Change{c.kind, strings.TrimPrefix(strings.TrimPrefix(c.path, path), "/")}
	}
	return out
}

// jsRebase puts memoised changes under path.
func jsRebase(rel []Change, path string) []Change {
	if len(rel) == 0 {
		return nil
	}
	out := make([]Change, len(rel))
	for i, c := range rel {
		p := path
		if c.path != "" {
			p = jsChildPath(path, c.path)
		}
		out[i] = Change{c.kind, p}
	}
	return out
}

// compareCombinedWithPlain handles a combined schema on one side only (SchemaDiff.compare's
// combined-versus-plain step: a one-member combination is unwrapped, a sum type in the update
// or a product type in the original may match one member). done means the comparison is
// decided; otherwise the class check follows, which reports TYPE_CHANGED.
func (d *jsonDiffer) compareCombinedWithPlain(original, update *jsNode, path string) ([]Change, bool) {
	switch {
	case original.kind != jsCombined && update.kind == jsCombined:
		if len(update.members) == 1 {
			if sub := d.compare(original, update.members[0], path); d.compatible(sub) {
				return sub, true
			}
		} else if update.criterion != "allOf" {
			for _, m := range update.members {
				if sub := d.compare(original, m, path); d.compatible(sub) {
					return append(sub, Change{"SUM_TYPE_EXTENDED", path}), true
				}
			}
		}
	case original.kind == jsCombined && update.kind != jsCombined:
		if len(original.members) == 1 {
			if sub := d.compare(original.members[0], update, path); d.compatible(sub) {
				return sub, true
			}
		} else if original.criterion == "allOf" {
			for _, m := range original.members {
				if sub := d.compare(m, update, path); d.compatible(sub) {
					return append(sub, Change{"PRODUCT_TYPE_NARROWED", path}), true
				}
			}
		}
	}
	return nil, false
}

// jsonRule is one class-specific rule of the diff: the change kinds it reports, what it
// checks, when it applies (both sides are of the same class), the check.
type jsonRule struct {
	kinds   string
	purpose string
	applies func(original, update *jsNode) bool
	check   func(d *jsonDiffer, original, update *jsNode, path string) []Change
}

func jsAlways(_, _ *jsNode) bool { return true }

func jsBothKind(k jsKind) func(original, update *jsNode) bool {
	return func(o, _ *jsNode) bool { return o.kind == k }
}

// jsonRuleTable lists the rules in the order Confluent applies them.
func jsonRuleTable() []jsonRule {
	return []jsonRule{
		{"ID_CHANGED, TITLE_CHANGED, DESCRIPTION_CHANGED, DEFAULT_CHANGED", "common annotations [#/]",
			jsAlways, checkJSONCommonProperties},
		{"MAX_LENGTH_*, MIN_LENGTH_*", "string: length bounds [/maxLength, /minLength]",
			jsBothKind(jsString), checkJSONStringLength},
		{"PATTERN_ADDED, PATTERN_REMOVED, PATTERN_CHANGED", "string: the regex, compared as text [/pattern]",
			jsBothKind(jsString), checkJSONStringPattern},
		{"TYPE_EXTENDED, TYPE_NARROWED", "number: integer → number widens, number → integer narrows [#/]",
			jsBothKind(jsNumber), checkJSONNumberInteger},
		{"MAXIMUM_*, MINIMUM_*, EXCLUSIVE_MAXIMUM_*, EXCLUSIVE_MINIMUM_*", "number: bounds [/maximum, ...]",
			jsBothKind(jsNumber), checkJSONNumberBounds},
		{"MULTIPLE_OF_*", "number: multipleOf, expanded when the new one is a multiple of the old [/multipleOf]",
			jsBothKind(jsNumber), checkJSONMultipleOf},
		{"ENUM_ARRAY_EXTENDED, ENUM_ARRAY_NARROWED, ENUM_ARRAY_CHANGED", "enum: value sets [/enum]",
			jsBothKind(jsEnum), checkJSONEnum},
		{"ENUM_ARRAY_CHANGED", "const: any change [/const]",
			jsBothKind(jsConst), checkJSONConst},
		{"NOT_TYPE_NARROWED, NOT_TYPE_EXTENDED", "not: the inner schemas compared reversed [/not]",
			jsBothKind(jsNot), checkJSONNot},
		{"COMBINED_TYPE_*, SUM_TYPE_*, PRODUCT_TYPE_*", "combined: criterion, sizes, maximum matching of members",
			jsBothKind(jsCombined), checkJSONCombined},
		{"REQUIRED_ATTRIBUTE_*", "object: required names declared on both sides [/required/<name>]",
			jsBothKind(jsObject), checkJSONRequired},
		{"PROPERTY_*", "object: properties added, removed or changed, judged by the content model [/properties/<name>]",
			jsBothKind(jsObject), checkJSONProperties},
		{"DEPENDENCY_*", "object: property and schema dependencies [/dependencies/<name>]",
			jsBothKind(jsObject), checkJSONDependencies},
		{"ADDITIONAL_PROPERTIES_*", "object: additionalProperties [/additionalProperties]",
			jsBothKind(jsObject), checkJSONAdditionalProperties},
		{"UNEVALUATED_PROPERTIES_*", "object: unevaluatedProperties [/unevaluatedProperties]",
			jsBothKind(jsObject), checkJSONUnevaluatedProperties},
		{"MAX_PROPERTIES_*, MIN_PROPERTIES_*", "object: property counts [/maxProperties, /minProperties]",
			jsBothKind(jsObject), checkJSONPropertyCounts},
		{"SCHEMA_ADDED, SCHEMA_REMOVED", "array: the schema of all items [/items]",
			jsBothKind(jsArray), checkJSONItems},
		{"ITEM_*", "array: positional items, judged by the content model [/items/<i>]",
			jsBothKind(jsArray), checkJSONTupleItems},
		{"ADDITIONAL_ITEMS_*", "array: additionalItems (items after prefixItems) [/additionalItems]",
			jsBothKind(jsArray), checkJSONAdditionalItems},
		{"UNEVALUATED_ITEMS_*", "array: unevaluatedItems [/unevaluatedItems]",
			jsBothKind(jsArray), checkJSONUnevaluatedItems},
		{"MAX_ITEMS_*, MIN_ITEMS_*, MAX_CONTAINS_*, MIN_CONTAINS_*, UNIQUE_ITEMS_*", "array: counts and uniqueness",
			jsBothKind(jsArray), checkJSONArrayAttributes},
	}
}

func jsStrEqual(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func checkJSONCommonProperties(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	var out []Change
	if !jsStrEqual(o.id, u.id) {
		out = append(out, Change{"ID_CHANGED", path})
	}
	if !jsStrEqual(o.title, u.title) {
		out = append(out, Change{"TITLE_CHANGED", path})
	}
	if !jsStrEqual(o.description, u.description) {
		out = append(out, Change{"DESCRIPTION_CHANGED", path})
	}
	if (o.def != nil || u.def != nil) && jsonValueKey(o.def) != jsonValueKey(u.def) {
		out = append(out, Change{"DEFAULT_CHANGED", path})
	}
	return out
}

// jsBoundChange compares an optional numeric keyword: added, removed, increased, decreased.
func jsBoundChange(prefix string, o, u *big.Rat, path, keyword string) []Change {
	switch {
	case o == nil && u == nil:
		return nil
	case o == nil:
		return []Change{{prefix + "_ADDED", jsChildPath(path, keyword)}}
	case u == nil:
		return []Change{{prefix + "_REMOVED", jsChildPath(path, keyword)}}
	}
	switch o.Cmp(u) {
	case -1:
		return []Change{{prefix + "_INCREASED", jsChildPath(path, keyword)}}
	case 1:
		return []Change{{prefix + "_DECREASED", jsChildPath(path, keyword)}}
	}
	return nil
}

func checkJSONStringLength(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	return append(jsBoundChange("MAX_LENGTH", o.maxLength, u.maxLength, path, "maxLength"),
		jsBoundChange("MIN_LENGTH", o.minLength, u.minLength, path, "minLength")...)
}

func checkJSONStringPattern(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	p := jsChildPath(path, "pattern")
	switch {
	case o.pattern == nil && u.pattern == nil:
		return nil
	case o.pattern == nil:
		return []Change{{"PATTERN_ADDED", p}}
	case u.pattern == nil:
		return []Change{{"PATTERN_REMOVED", p}}
	case *o.pattern != *u.pattern:
		return []Change{{"PATTERN_CHANGED", p}}
	}
	return nil
}

func checkJSONNumberInteger(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	switch {
	case o.integer && !u.integer:
		return []Change{{"TYPE_EXTENDED", path}}
	case !o.integer && u.integer:
		return []Change{{"TYPE_NARROWED", path}}
	}
	return nil
}

func checkJSONNumberBounds(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	var out []Change
	out = append(out, jsBoundChange("MAXIMUM", o.maximum, u.maximum, path, "maximum")...)
	out = append(out, jsBoundChange("MINIMUM", o.minimum, u.minimum, path, "minimum")...)
	out = append(out, jsExclusiveMaximumChange(o, u, path)...)
	return append(out, jsBoundChange("EXCLUSIVE_MINIMUM", o.exclMin, u.exclMin, path, "exclusiveMinimum")...)
}

// jsExclusiveMaximumChange is jsBoundChange for exclusiveMaximum with Confluent's quirk: a
// decrease is only reported when the old limit exceeds the new schema's maximum (Confluent
// compares with the wrong field; without a maximum it throws, reported here as a decrease).
func jsExclusiveMaximumChange(o, u *jsNode, path string) []Change {
	changes := jsBoundChange("EXCLUSIVE_MAXIMUM", o.exclMax, u.exclMax, path, "exclusiveMaximum")
	if len(changes) == 1 && changes[0].kind == "EXCLUSIVE_MAXIMUM_DECREASED" && u.maximum != nil {
		oldLimit, _ := o.exclMax.Float64()
		newMax, _ := u.maximum.Float64()
		if oldLimit <= newMax {
			return nil
		}
	}
	return changes
}

// jsIsMultiple reports whether a is an integer multiple of b (b ≠ 0).
func jsIsMultiple(a, b *big.Rat) bool {
	if b.Sign() == 0 {
		return false
	}
	return new(big.Rat).Quo(a, b).IsInt()
}

func checkJSONMultipleOf(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	p := jsChildPath(path, "multipleOf")
	switch {
	case o.multiple == nil && u.multiple == nil:
		return nil
	case o.multiple == nil:
		return []Change{{"MULTIPLE_OF_ADDED", p}}
	case u.multiple == nil:
		return []Change{{"MULTIPLE_OF_REMOVED", p}}
	case o.multiple.Cmp(u.multiple) == 0:
		return nil
	case jsIsMultiple(u.multiple, o.multiple):
		return []Change{{"MULTIPLE_OF_EXPANDED", p}}
	case jsIsMultiple(o.multiple, u.multiple):
		return []Change{{"MULTIPLE_OF_REDUCED", p}}
	}
	return []Change{{"MULTIPLE_OF_CHANGED", p}}
}

func jsValueKeys(values []*jackson.Value) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		out = append(out, jsonValueKey(v))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func jsContainsAll(set, sub []string) bool {
	for _, s := range sub {
		if _, ok := slices.BinarySearch(set, s); !ok {
			return false
		}
	}
	return true
}

func checkJSONEnum(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	ov, uv := jsValueKeys(o.values), jsValueKeys(u.values)
	p := jsChildPath(path, "enum")
	switch {
	case slices.Equal(ov, uv):
		return nil
	case jsContainsAll(uv, ov):
		return []Change{{"ENUM_ARRAY_EXTENDED", p}}
	case jsContainsAll(ov, uv):
		return []Change{{"ENUM_ARRAY_NARROWED", p}}
	}
	return []Change{{"ENUM_ARRAY_CHANGED", p}}
}

func checkJSONConst(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	if jsonValueKey(o.constVal) != jsonValueKey(u.constVal) {
		return []Change{{"ENUM_ARRAY_CHANGED", jsChildPath(path, "const")}}
	}
	return nil
}

func checkJSONNot(d *jsonDiffer, o, u *jsNode, path string) []Change {
	p := jsChildPath(path, "not")
	if d.compatible(d.compare(u.not, o.not, p)) {
		return []Change{{"NOT_TYPE_NARROWED", p}}
	}
	return []Change{{"NOT_TYPE_EXTENDED", p}}
}

// jsDistinctMembers de-duplicates a combined schema's members by serialised form.
func jsDistinctMembers(n *jsNode) []*jsNode {
	out := make([]*jsNode, 0, len(n.members))
	for _, m := range n.members {
		if !slices.ContainsFunc(out, func(x *jsNode) bool { return x.key == m.key }) {
			out = append(out, m)
		}
	}
	return out
}

func checkJSONCombined(d *jsonDiffer, o, u *jsNode, path string) []Change {
	var out []Change
	om, um := jsDistinctMembers(o), jsDistinctMembers(u)
	if o.criterion != u.criterion {
		oneO, oneU := len(o.members) == 1, len(u.members) == 1 // singletons before de-duplication
		if u.criterion == "anyOf" || (oneO && oneU) || (oneO && u.criterion == "oneOf") || (o.criterion == "allOf" && oneU) {
			out = append(out, Change{"COMBINED_TYPE_EXTENDED", path})
		} else {
			return append(out, Change{"COMBINED_TYPE_CHANGED", path})
		}
	}
	switch {
	case len(om) < len(um) && u.criterion == "allOf":
		out = append(out, Change{"PRODUCT_TYPE_EXTENDED", path})
	case len(om) < len(um):
		out = append(out, Change{"SUM_TYPE_EXTENDED", path})
	case len(om) > len(um) && o.criterion != "allOf":
		out = append(out, Change{"SUM_TYPE_NARROWED", path})
	case len(om) > len(um):
		out = append(out, Change{"PRODUCT_TYPE_NARROWED", path})
	}
	if d.verdict.on && o.plain && u.plain {
		return d.combinedVerdict(o, u, om, um, path, out)
	}
	pairs := make([][][]Change, len(om))
	edges := make([][]bool, len(om))
	for i, a := range om {
		pairs[i] = make([][]Change, len(um))
		edges[i] = make([]bool, len(um))
		p := jsChildPath(path, o.criterion, strconv.Itoa(i))
		for j, b := range um {
			sub := d.compare(a, b, p)
			if d.compatible(sub) {
				edges[i][j] = true
				pairs[i][j] = sub
			}
		}
	}
	match := jsMaximumMatching(edges, len(um))
	n := 0
	for i, j := range match {
		if j >= 0 {
			n++
			out = append(out, pairs[i][j]...)
		}
	}
	if n < min(len(om), len(um)) {
		out = append(out, Change{"COMBINED_TYPE_SUBSCHEMAS_CHANGED", path})
	}
	return out
}

// jsMaximumMatching returns, for each left vertex, its matched right vertex or -1 (Kuhn's
// augmenting paths, left vertices in order).
func jsMaximumMatching(edges [][]bool, right int) []int {
	matchR := make([]int, right)
	for j := range matchR {
		matchR[j] = -1
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for j := range right {
			if edges[i][j] && !seen[j] {
				seen[j] = true
				if matchR[j] < 0 || try(matchR[j], seen) {
					matchR[j] = i
					return true
				}
			}
		}
		return false
	}
	for i := range edges {
		try(i, make([]bool, right))
	}
	matchL := make([]int, len(edges))
	for i := range matchL {
		matchL[i] = -1
	}
	for j, i := range matchR {
		if i >= 0 {
			matchL[i] = j
		}
	}
	return matchL
}

// jsPropOf is the schema of an object's property, or nil.
func jsPropOf(n *jsNode, name string) *jsNode {
	if n.propIndex != nil {
		return n.propIndex[name]
	}
	return jsLookupProp(n.props, name)
}

func jsLookupProp(props []jsProp, name string) *jsNode {
	for _, p := range props {
		if p.name == name {
			return p.schema
		}
	}
	return nil
}

func checkJSONRequired(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	var out []Change
	for _, p := range o.props {
		up := jsPropOf(u, p.name)
		if up == nil {
			continue
		}
		wasReq, isReq := slices.Contains(o.required, p.name), slices.Contains(u.required, p.name)
		rp := jsChildPath(path, "required", p.name)
		switch {
		case wasReq && !isReq:
			out = append(out, Change{"REQUIRED_ATTRIBUTE_REMOVED", rp})
		case !wasReq && isReq && up.def != nil:
			out = append(out, Change{"REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", rp})
		case !wasReq && isReq:
			out = append(out, Change{"REQUIRED_ATTRIBUTE_ADDED", rp})
		}
	}
	return out
}

// jsOpenProperties reports whether an object accepts any other property unconstrained.
func jsOpenProperties(n *jsNode) bool {
	return !n.addPropsForbidden && n.addProps == nil && len(n.patternProps) == 0 &&
		(n.unevalProps == nil || n.unevalProps.kind == jsTrue)
}

// jsCoveringSchema is the schema a property name falls under in a partially open object, or
// nil when the object is closed for it.
func jsCoveringSchema(n *jsNode, name string) *jsNode {
	for _, pp := range n.patternProps {
		if pp.re != nil && pp.re.MatchString(name) {
			return pp.schema
		}
	}
	if n.addProps != nil {
		return n.addProps
	}
	if !n.addPropsForbidden && n.unevalProps != nil && n.unevalProps.kind != jsTrue && n.unevalProps.kind != jsFalse {
		return n.unevalProps
	}
	return nil
}

func checkJSONProperties(d *jsonDiffer, o, u *jsNode, path string) []Change {
	var out []Change
	for _, p := range o.props {
		pp := jsChildPath(path, "properties", p.name)
		if up := jsPropOf(u, p.name); up != nil {
			out = append(out, d.compare(p.schema, up, pp)...)
			continue
		}
		out = append(out, d.propertyRemoved(p.schema, u, p.name, pp)...)
	}
	for _, p := range u.props {
		if jsPropOf(o, p.name) != nil {
			continue
		}
		out = append(out, d.propertyAdded(o, u, p, jsChildPath(path, "properties", p.name))...)
	}
	return out
}

// propertyRemoved judges a property of the original missing from update by update's model.
func (d *jsonDiffer) propertyRemoved(removed, u *jsNode, name, path string) []Change {
	if jsOpenProperties(u) {
		return []Change{{"PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", path}}
	}
	if cover := jsCoveringSchema(u, name); cover != nil {
		sub := d.compare(removed, cover, path)
		kind := "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
		if !d.compatible(sub) {
			kind = "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
		}
		return append(sub, Change{kind, path})
	}
	if removed.kind == jsFalse {
		return []Change{{"PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", path}}
	}
	return []Change{{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", path}}
}

// propertyAdded judges a property of update missing from the original by the original's model.
func (d *jsonDiffer) propertyAdded(o, u *jsNode, p jsProp, path string) []Change {
	required := slices.Contains(u.required, p.name)
	hasDefault := p.schema.def != nil
	if jsOpenProperties(o) {
		switch {
		case p.schema.isEmpty():
			return []Change{{"PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", path}}
		case required && hasDefault:
			return []Change{{"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL", path}}
		case required:
			return []Change{{"REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", path}}
		}
		return []Change{{"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", path}}
	}
	var out []Change
	if cover := jsCoveringSchema(o, p.name); cover != nil {
		out = d.compare(cover, p.schema, path)
		kind := "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
		if !d.compatible(out) {
			kind = "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
		}
		out = append(out, Change{kind, path})
	}
	switch {
	case required && hasDefault:
		return append(out, Change{"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL", path})
	case required:
		return append(out, Change{"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", path})
	}
	return append(out, Change{"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", path})
}

func jsLookupDeps(deps []jsDepArray, name string) ([]string, bool) {
	for _, d := range deps {
		if d.name == name {
			return d.names, true
		}
	}
	return nil, false
}

func checkJSONDependencies(d *jsonDiffer, o, u *jsNode, path string) []Change {
	var out []Change
	for _, dep := range o.depArrays {
		p := jsChildPath(path, "dependencies", dep.name)
		names, ok := jsLookupDeps(u.depArrays, dep.name)
		if !ok {
			out = append(out, Change{"DEPENDENCY_ARRAY_REMOVED", p})
			continue
		}
		os, us := slices.Compact(slices.Sorted(slices.Values(dep.names))), slices.Compact(slices.Sorted(slices.Values(names)))
		switch {
		case slices.Equal(os, us):
		case jsContainsAll(us, os):
			out = append(out, Change{"DEPENDENCY_ARRAY_EXTENDED", p})
		case jsContainsAll(os, us):
			out = append(out, Change{"DEPENDENCY_ARRAY_NARROWED", p})
		default:
			out = append(out, Change{"DEPENDENCY_ARRAY_CHANGED", p})
		}
	}
	for _, dep := range u.depArrays {
		if _, ok := jsLookupDeps(o.depArrays, dep.name); !ok {
			out = append(out, Change{"DEPENDENCY_ARRAY_ADDED", jsChildPath(path, "dependencies", dep.name)})
		}
	}
	for _, dep := range o.depSchemas {
		p := jsChildPath(path, "dependencies", dep.name)
		if us := jsLookupProp(u.depSchemas, dep.name); us != nil {
			out = append(out, d.compare(dep.schema, us, p)...)
		} else {
			out = append(out, Change{"DEPENDENCY_SCHEMA_REMOVED", p})
		}
	}
	for _, dep := range u.depSchemas {
		if jsLookupProp(o.depSchemas, dep.name) == nil {
			out = append(out, Change{"DEPENDENCY_SCHEMA_ADDED", jsChildPath(path, "dependencies", dep.name)})
		}
	}
	return out
}

// additionalChange compares additionalProperties or additionalItems: whether others are
// permitted, then their schemas.
func (d *jsonDiffer) additionalChange(prefix string, oForbidden, uForbidden bool, os, us *jsNode, path string) []Change {
	switch {
	case oForbidden && !uForbidden:
		return []Change{{prefix + "_ADDED", path}}
	case !oForbidden && uForbidden:
		return []Change{{prefix + "_REMOVED", path}}
	case oForbidden:
		return nil
	case os == nil && us != nil:
		return []Change{{prefix + "_NARROWED", path}}
	case os != nil && us == nil:
		return []Change{{prefix + "_EXTENDED", path}}
	case os != nil:
		return d.compare(os, us, path)
	}
	return nil
}

func checkJSONAdditionalProperties(d *jsonDiffer, o, u *jsNode, path string) []Change {
	return d.additionalChange("ADDITIONAL_PROPERTIES", o.addPropsForbidden, u.addPropsForbidden, o.addProps, u.addProps,
		jsChildPath(path, "additionalProperties"))
}

// unevaluatedChange compares unevaluatedProperties or unevaluatedItems (absent, true, false or
// a schema on each side).
func (d *jsonDiffer) unevaluatedChange(prefix string, o, u *jsNode, path string) []Change {
	isFalse := func(n *jsNode) bool { return n != nil && n.kind == jsFalse }
	isTrue := func(n *jsNode) bool { return n != nil && n.kind == jsTrue }
	switch {
	case o == nil && u == nil:
		return nil
	case o == nil && isFalse(u):
		return []Change{{prefix + "_REMOVED", path}}
	case o == nil:
		return []Change{{prefix + "_NARROWED", path}}
	case u == nil && isFalse(o):
		return []Change{{prefix + "_ADDED", path}}
	case u == nil:
		return []Change{{prefix + "_EXTENDED", path}}
	case isFalse(o) && isFalse(u):
		return nil
	case isFalse(o):
		return []Change{{prefix + "_ADDED", path}}
	case isFalse(u):
		return []Change{{prefix + "_REMOVED", path}}
	case isTrue(o) && isTrue(u):
		return nil
	case isTrue(o):
		return []Change{{prefix + "_NARROWED", path}}
	case isTrue(u):
		return []Change{{prefix + "_EXTENDED", path}}
	}
	return d.compare(o, u, path)
}

func checkJSONUnevaluatedProperties(d *jsonDiffer, o, u *jsNode, path string) []Change {
	return d.unevaluatedChange("UNEVALUATED_PROPERTIES", o.unevalProps, u.unevalProps, jsChildPath(path, "unevaluatedProperties"))
}

func checkJSONPropertyCounts(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	return append(jsBoundChange("MAX_PROPERTIES", o.maxProps, u.maxProps, path, "maxProperties"),
		jsBoundChange("MIN_PROPERTIES", o.minProps, u.minProps, path, "minProperties")...)
}

func checkJSONItems(d *jsonDiffer, o, u *jsNode, path string) []Change {
	return d.compare(o.items, u.items, jsChildPath(path, "items"))
}

// jsOpenItems reports whether an array accepts any further item unconstrained.
func jsOpenItems(n *jsNode) bool {
	return !n.addItemsForbidden && n.addItems == nil && (n.unevalItems == nil || n.unevalItems.kind == jsTrue)
}

func jsCoveringItems(n *jsNode) *jsNode {
	if n.addItems != nil {
		return n.addItems
	}
	if !n.addItemsForbidden && n.unevalItems != nil && n.unevalItems.kind != jsTrue && n.unevalItems.kind != jsFalse {
		return n.unevalItems
	}
	return nil
}

func checkJSONTupleItems(d *jsonDiffer, o, u *jsNode, path string) []Change {
	var out []Change
	for i := 0; i < max(len(o.tuple), len(u.tuple)); i++ {
		p := jsChildPath(path, "items", strconv.Itoa(i))
		switch {
		case i < len(o.tuple) && i < len(u.tuple):
			out = append(out, d.compare(o.tuple[i], u.tuple[i], p)...)
		case i < len(o.tuple):
			out = append(out, d.itemRemoved(o.tuple[i], u, p)...)
		default:
			out = append(out, d.itemAdded(o, u.tuple[i], p)...)
		}
	}
	return out
}

func (d *jsonDiffer) itemRemoved(removed, u *jsNode, path string) []Change {
	if jsOpenItems(u) {
		return []Change{{"ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", path}}
	}
	if cover := jsCoveringItems(u); cover != nil {
		sub := d.compare(removed, cover, path)
		kind := "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
		if !d.compatible(sub) {
			kind = "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
		}
		return append(sub, Change{kind, path})
	}
	if removed.kind == jsFalse {
		return []Change{{"ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", path}}
	}
	return []Change{{"ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", path}}
}

func (d *jsonDiffer) itemAdded(o, added *jsNode, path string) []Change {
	if jsOpenItems(o) {
		if added.isEmpty() {
			return []Change{{"ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", path}}
		}
		return []Change{{"ITEM_ADDED_TO_OPEN_CONTENT_MODEL", path}}
	}
	if cover := jsCoveringItems(o); cover != nil {
		sub := d.compare(cover, added, path)
		kind := "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
		if !d.compatible(sub) {
			kind = "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
		}
		return append(sub, Change{kind, path})
	}
	return []Change{{"ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", path}}
}

func checkJSONAdditionalItems(d *jsonDiffer, o, u *jsNode, path string) []Change {
	return d.additionalChange("ADDITIONAL_ITEMS", o.addItemsForbidden, u.addItemsForbidden, o.addItems, u.addItems,
		jsChildPath(path, "additionalItems"))
}

func checkJSONUnevaluatedItems(d *jsonDiffer, o, u *jsNode, path string) []Change {
	return d.unevaluatedChange("UNEVALUATED_ITEMS", o.unevalItems, u.unevalItems, jsChildPath(path, "unevaluatedItems"))
}

func checkJSONArrayAttributes(_ *jsonDiffer, o, u *jsNode, path string) []Change {
	var out []Change
	out = append(out, jsBoundChange("MAX_ITEMS", o.maxItems, u.maxItems, path, "maxItems")...)
	out = append(out, jsBoundChange("MIN_ITEMS", o.minItems, u.minItems, path, "minItems")...)
	out = append(out, jsBoundChange("MAX_CONTAINS", o.maxContains, u.maxContains, path, "maxContains")...)
	out = append(out, jsBoundChange("MIN_CONTAINS", o.minContains, u.minContains, path, "minContains")...)
	switch {
	case !o.unique && u.unique:
		out = append(out, Change{"UNIQUE_ITEMS_ADDED", jsChildPath(path, "uniqueItems")})
	case o.unique && !u.unique:
		out = append(out, Change{"UNIQUE_ITEMS_REMOVED", jsChildPath(path, "uniqueItems")})
	}
	return out
}
