package protobuf

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/accord-registry/accord/compat/budget"
)

// The Protobuf diff is Confluent's SchemaDiff.compare(original, update) (protobuf-provider,
// package diff), where original is the writer and update the reader. It reports every
// change with a kind and a path; the check is compatible when every kind is compatible
// (rules.go). Where Confluent iterates a Java HashSet the order of the changes is
// reproduced with pbJavaHashOrder, so messages come out in Confluent's order.

// pbChange is one difference: its kind and its path, e.g. "#/TestMessage/2".
type pbChange struct {
	kind string
	path string
}

func (c pbChange) String() string { return c.kind + " " + c.path }

// pbDiff is the state of one comparison (Confluent's diff.Context).
type pbDiff struct {
	rules        pbRules
	legacy       bool                // pre-DGS-24604 oneof handling
	path         []string            // the current path below "#/"
	active       map[*pbMessage]bool // original messages being compared (recursion guard)
	changes      []pbChange
	incompatible bool                // some change, listed or not, is incompatible
	guardHit     bool                // the result depended on the recursion guard
	visited      map[*pbMessage]bool // original messages compared, sub-comparisons included
	shared       *pbShared
}

// MaxChanges bounds the change list of one comparison. Confluent re-diffs a referenced
// message type at every field using it, so crafted imports can make the list grow
// exponentially; beyond the bound changes are counted in the verdict but not listed.
const MaxChanges = 10_000

// pbShared is what the sub-comparisons of one comparison share: the number of changes
// listed, the first incompatible change, and the results of referenced-type comparisons
// that did not depend on the recursion guard (they are the same wherever they occur).
type pbShared struct {
	listed            int
	firstIncompatible *pbChange
	memo              map[[2]*pbMessage]pbSubResult
	work              *budget.Budget // nil: unlimited
}

type pbSubResult struct {
	changes      []pbChange
	incompatible bool
	visited      map[*pbMessage]bool
}

// reusable reports whether a memoised result holds under the current recursion guard:
// none of the messages it compared is being compared now.
func (r pbSubResult) reusable(active map[*pbMessage]bool) bool {
	for m := range r.visited {
		if active[m] {
			return false
		}
	}
	return true
}

// Differences lists the incompatible changes from writer (original) to reader (update) as
// message templates with two %s placeholders (reader side, writer side). legacyOneof applies
// the oneof rules of Confluent releases before DGS-24604. The work is charged to b (nil:
// unlimited); once b is spent the list is meaningless.
func Differences(reader, writer *Schema, legacyOneof bool, b *budget.Budget) []string {
	d := newPBDiff(legacyOneof)
	d.shared.work = b
	d.checkFile(writer.file, reader.file)
	var out []string
	for _, c := range d.changes {
		if !d.rules[c.kind].compatible {
			out = append(out, d.message(c))
		}
	}
	if d.incompatible && len(out) == 0 { // only beyond MaxChanges
		out = append(out, d.message(*d.shared.firstIncompatible))
	}
	return out
}

// message is Confluent's Difference.toString for an incompatible change.
func (d *pbDiff) message(c pbChange) string {
	desc := strings.Replace(d.rules[c.kind].description, "'P'", "'"+c.path+"'", 1)
	return `{errorType:"` + c.kind + `", description:"` + desc + `"}`
}

// Changes returns every change, compatible or not, as "<KIND> <path>".
func Changes(original, update *Schema, legacy bool) []string {
	d := newPBDiff(legacy)
	d.checkFile(original.file, update.file)
	out := make([]string, 0, len(d.changes))
	for _, c := range d.changes {
		out = append(out, c.String())
	}
	return out
}

func newPBDiff(legacy bool) *pbDiff {
	return &pbDiff{rules: newPBRules(), legacy: legacy, active: map[*pbMessage]bool{},
		visited: map[*pbMessage]bool{}, shared: &pbShared{memo: map[[2]*pbMessage]pbSubResult{}}}
}

func (d *pbDiff) add(kind string, path ...string) {
	c := pbChange{kind, "#/" + strings.Join(append(slices.Clip(d.path), path...), "/")}
	d.appendChanges([]pbChange{c})
}

// appendChanges lists changes (up to MaxChanges in all) and keeps the verdict.
func (d *pbDiff) appendChanges(list []pbChange) {
	for _, c := range list {
		if !d.rules[c.kind].compatible {
			d.incompatible = true
			if d.shared.firstIncompatible == nil {
				d.shared.firstIncompatible = &c
			}
		}
		if d.shared.listed < MaxChanges {
			d.shared.listed++
			d.changes = append(d.changes, c)
		}
	}
}

func (d *pbDiff) enter(name string) func() {
	d.path = append(d.path, name)
	return func() { d.path = d.path[:len(d.path)-1] }
}

// checkFile: PACKAGE_CHANGED, then the top-level types.
func (d *pbDiff) checkFile(o, u *pbFile) {
	d.checkPackage(o, u)
	d.checkTypes(o.messages, o.enums, u.messages, u.enums)
}

func (d *pbDiff) checkPackage(o, u *pbFile) {
	if o.pkg != u.pkg {
		d.add(pbPackageChanged)
	}
}

// checkTypes matches messages and enums of one scope by simple name (SchemaDiff.
// compareTypeElements): messages first, then enums, each in Java HashSet order.
func (d *pbDiff) checkTypes(om []*pbMessage, oe []*pbEnum, um []*pbMessage, ue []*pbEnum) {
	oMsgs, uMsgs := pbIndexByName(om, (*pbMessage).key), pbIndexByName(um, (*pbMessage).key)
	for _, name := range pbUnionNames(om, um, (*pbMessage).key) {
		o, u := oMsgs[name], uMsgs[name]
		done := d.enter(name)
		switch {
		case u == nil:
			d.add(pbMessageRemoved)
		case o == nil:
			d.add(pbMessageAdded)
		default:
			d.checkMessage(o.v, u.v)
			d.checkMessageMoved(o.i, u.i)
		}
		done()
	}
	oEnums, uEnums := pbIndexByName(oe, (*pbEnum).key), pbIndexByName(ue, (*pbEnum).key)
	for _, name := range pbUnionNames(oe, ue, (*pbEnum).key) {
		o, u := oEnums[name], uEnums[name]
		done := d.enter(name)
		switch {
		case u == nil:
			d.add(pbEnumRemoved)
		case o == nil:
			d.add(pbEnumAdded)
		default:
			d.checkEnum(o.v, u.v)
		}
		done()
	}
}

func (d *pbDiff) checkMessageMoved(oi, ui int) {
	if oi != ui {
		d.add(pbMessageMoved)
	}
}

func (m *pbMessage) key() string { return m.name }
func (e *pbEnum) key() string    { return e.name }

type pbIndexed[T any] struct {
	v T
	i int
}

// pbIndexByName maps names to elements and their position; a later duplicate wins, as in
// Java's HashMap.put.
func pbIndexByName[T any](list []T, key func(T) string) map[string]*pbIndexed[T] {
	m := make(map[string]*pbIndexed[T], len(list))
	for i, v := range list {
		m[key(v)] = &pbIndexed[T]{v, i}
	}
	return m
}

// pbUnionNames is Java's `new HashSet<>(originalMap.keySet()); addAll(updateMap.keySet())`
// in iteration order.
func pbUnionNames[T any](o, u []T, key func(T) string) []string {
	names := func(list []T) []string {
		out := make([]string, 0, len(list))
		for _, v := range list {
			out = append(out, key(v))
		}
		return pbJavaHashOrder(out, 0, pbJavaStringHash)
	}
	on := names(o)
	return pbJavaHashOrder(append(on, names(u)...), len(on), pbJavaStringHash)
}

// checkEnum compares constants by number (EnumSchemaDiff).
func (d *pbDiff) checkEnum(o, u *pbEnum) {
	oBy, uBy := map[int32]string{}, map[int32]string{}
	var oTags, uTags []int32
	for _, v := range o.values {
		oBy[v.number] = v.name
		oTags = append(oTags, v.number)
	}
	for _, v := range u.values {
		uBy[v.number] = v.name
		uTags = append(uTags, v.number)
	}
	for _, tag := range pbUnionTags(oTags, uTags) {
		on, inO := oBy[tag]
		un, inU := uBy[tag]
		switch {
		case !inU:
			d.add(pbEnumConstRemoved, pbItoa(tag))
		case !inO:
			d.add(pbEnumConstAdded, pbItoa(tag))
		case on != un:
			d.add(pbEnumConstChanged, pbItoa(tag))
		}
	}
}

func pbItoa(n int32) string { return strconv.Itoa(int(n)) }

// pbUnionTags is a Java HashSet<Integer> of both tag lists, in iteration order.
func pbUnionTags(o, u []int32) []int32 {
	hash := func(t int32) int32 { return t }
	on := pbJavaHashOrder(pbDedupe(o), 0, hash)
	return pbJavaHashOrder(append(on, pbJavaHashOrder(pbDedupe(u), 0, hash)...), len(on), hash)
}

func pbDedupe[T comparable](list []T) []T {
	seen := map[T]bool{}
	out := list[:0:0]
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// pbMemberIndex indexes a message's fields by tag, with each tag's oneof.
type pbMemberIndex struct {
	byTag  map[int32]*pbField
	oneof  map[int32]string
	oneofs map[string]*pbOneof
}

func pbIndexMembers(m *pbMessage) pbMemberIndex {
	x := pbMemberIndex{byTag: map[int32]*pbField{}, oneof: map[int32]string{}, oneofs: map[string]*pbOneof{}}
	for _, f := range m.fields {
		x.byTag[f.tag] = f
	}
	for _, o := range m.oneofs {
		x.oneofs[o.name] = o
		for _, f := range o.fields {
			x.byTag[f.tag] = f
			x.oneof[f.tag] = o.name
		}
	}
	return x
}

// checkMessage compares two messages of the same name (MessageSchemaDiff), once per
// original message on the current stack, then their nested types.
func (d *pbDiff) checkMessage(o, u *pbMessage) {
	if !d.shared.work.Enter() {
		return
	}
	defer d.shared.work.Leave()
	if d.active[o] {
		d.guardHit = true
	} else {
		d.visited[o] = true
		d.active[o] = true
		if d.legacy {
			d.checkMembersLegacy(o, u)
		} else {
			d.checkMembers(o, u)
		}
		delete(d.active, o)
	}
	d.checkTypes(o.messages, o.enums, u.messages, u.enums)
}

// checkMembers is the current (DGS-24604) comparison: every field by tag, wherever it is.
func (d *pbDiff) checkMembers(o, u *pbMessage) {
	ox, ux := pbIndexMembers(o), pbIndexMembers(u)
	deleted := pbDeletedOneofs(ox, ux)
	d.checkOneofOrigins(u, ox)
	d.checkOneofNames(ox, ux)
	tags := slices.Sorted(maps.Keys(ox.byTag))
	for t := range ux.byTag {
		if _, ok := ox.byTag[t]; !ok {
			tags = append(tags, t)
		}
	}
	slices.Sort(tags)
	for _, tag := range tags {
		of, uf := ox.byTag[tag], ux.byTag[tag]
		oo, uo := ox.oneof[tag], ux.oneof[tag]
		switch {
		case uf == nil && oo != "":
			if !deleted[oo] {
				d.add(pbOneofFieldRemoved, oo, pbItoa(tag))
			}
		case uf == nil || of == nil:
			d.checkFieldAddedOrRemoved(of, uf, uo)
		default:
			d.checkFieldMovedOut(oo, uo, tag)
			done := d.enterField(uo, tag)
			d.checkField(of, uf)
			done()
		}
	}
}

func (d *pbDiff) enterField(oneof string, tag int32) func() {
	if oneof == "" {
		return d.enter(pbItoa(tag))
	}
	d1 := d.enter(oneof)
	d2 := d.enter(pbItoa(tag))
	return func() { d2(); d1() }
}

// pbDeletedOneofs are original oneofs gone by name none of whose members survive.
func pbDeletedOneofs(ox, ux pbMemberIndex) map[string]bool {
	out := map[string]bool{}
	for name, o := range ox.oneofs {
		if _, ok := ux.oneofs[name]; ok {
			continue
		}
		survives := false
		for _, f := range o.fields {
			if _, ok := ux.byTag[f.tag]; ok {
				survives = true
			}
		}
		if !survives {
			out[name] = true
		}
	}
	return out
}

// checkOneofOrigins reports update oneofs whose pre-existing members come from more than
// one original group (a whole original oneof, or a single top-level field).
func (d *pbDiff) checkOneofOrigins(u *pbMessage, ox pbMemberIndex) {
	for _, oneof := range u.oneofs {
		groups := map[string]bool{}
		movedIn := 0
		for _, f := range oneof.fields {
			if name, ok := ox.oneof[f.tag]; ok {
				groups["oneof:"+name] = true
			} else if _, ok := ox.byTag[f.tag]; ok {
				groups["field:"+pbItoa(f.tag)] = true
				movedIn++
			}
		}
		switch {
		case len(groups) > 1 && movedIn > 1:
			d.add(pbMultipleFieldsMovedToOneof, oneof.name)
		case len(groups) > 1:
			d.add(pbFieldMovedToExistingOneof, oneof.name)
		}
	}
}

// checkOneofNames reports oneofs only on one side, in name order.
func (d *pbDiff) checkOneofNames(ox, ux pbMemberIndex) {
	names := slices.Collect(maps.Keys(ox.oneofs))
	for n := range ux.oneofs {
		if _, ok := ox.oneofs[n]; !ok {
			names = append(names, n)
		}
	}
	slices.SortFunc(names, pbJavaCompare)
	for _, n := range names {
		if _, ok := ux.oneofs[n]; !ok {
			d.add(pbOneofRemoved, n)
		} else if _, ok := ox.oneofs[n]; !ok {
			d.add(pbOneofAdded, n)
		}
	}
}

// checkFieldAddedOrRemoved reports a tag present on one side only. of is nil for an added
// field, uf for a removed one; uo is the added field's oneof.
func (d *pbDiff) checkFieldAddedOrRemoved(of, uf *pbField, uo string) {
	switch {
	case uf == nil && of.label == "required":
		d.add(pbRequiredFieldRemoved, pbItoa(of.tag))
	case uf == nil:
		d.add(pbFieldRemoved, pbItoa(of.tag))
	case uo != "":
		d.add(pbOneofFieldAdded, uo, pbItoa(uf.tag))
	case uf.label == "required":
		d.add(pbRequiredFieldAdded, pbItoa(uf.tag))
	default:
		d.add(pbFieldAdded, pbItoa(uf.tag))
	}
}

func (d *pbDiff) checkFieldMovedOut(oo, uo string, tag int32) {
	if oo != "" && uo == "" {
		d.add(pbOneofFieldMovedToTopLevel, pbItoa(tag))
	}
}

// checkField compares two fields of the same tag (FieldSchemaDiff).
func (d *pbDiff) checkField(o, u *pbField) {
	d.checkFieldName(o, u)
	d.checkTypeAndLabel(o.label, u.label, o.typ, u.typ)
}

func (d *pbDiff) checkFieldName(o, u *pbField) {
	if o.name != u.name {
		d.add(pbFieldNameChanged)
	}
}

// pbKind is Confluent's field kind: SCALAR (enums included), MESSAGE or MAP.
func (t pbType) kind() string {
	switch {
	case t.key != nil:
		return "MAP"
	case t.msg != nil:
		return "MESSAGE"
	}
	return "SCALAR"
}

func (d *pbDiff) checkTypeAndLabel(ol, ul string, o, u pbType) {
	if !d.checkFieldKind(o, u) {
		return
	}
	switch o.kind() {
	case "SCALAR":
		d.checkScalar(ol, ul, o, u)
	case "MESSAGE":
		d.checkMessageType(o.msg, u.msg)
	case "MAP":
		d.checkTypeAndLabel("", "", *o.key, *u.key)
		d.checkTypeAndLabel("", "", *o.value, *u.value)
	}
}

// checkFieldKind reports FIELD_KIND_CHANGED and whether the kinds agree.
func (d *pbDiff) checkFieldKind(o, u pbType) bool {
	if o.kind() != u.kind() {
		d.add(pbFieldKindChanged)
		return false
	}
	return true
}

// scalarGroup is the wire-compatibility group of a scalar (enums are general numbers).
func (t pbType) scalarGroup() string {
	switch t.scalar {
	case "", "int32", "int64", "uint32", "uint64", "bool":
		return "GENERAL_NUMBER"
	case "sint32", "sint64":
		return "SIGNED_NUMBER"
	case "string", "bytes":
		return "STRING_OR_BYTES"
	case "fixed32", "sfixed32":
		return "FIXED32"
	case "fixed64", "sfixed64":
		return "FIXED64"
	}
	return strings.ToUpper(t.scalar) // FLOAT, DOUBLE
}

func (d *pbDiff) checkScalar(ol, ul string, o, u pbType) {
	og, ug := o.scalarGroup(), u.scalarGroup()
	switch {
	case og != ug:
		d.add(pbFieldScalarKindChanged)
	case ol == "" || ul == "" || ol == ul:
	case og == "STRING_OR_BYTES":
		d.add(pbFieldStringOrBytesLabelChanged)
	default:
		d.add(pbFieldNumericLabelChanged)
	}
}

// checkMessageType compares message-typed fields by local name (the full name without its
// package); the same type from the same file version is not compared again, otherwise its
// definition is diffed under its own path and an incompatible result also reports
// FIELD_NAMED_TYPE_CHANGED.
func (d *pbDiff) checkMessageType(o, u *pbMessage) {
	if o.local != u.local {
		d.add(pbFieldNamedTypeChanged)
		return
	}
	if o.ref != nil && u.ref != nil && *o.ref == *u.ref {
		return
	}
	key := [2]*pbMessage{o, u}
	res, ok := d.shared.memo[key]
	if !d.shared.work.Spend(len(d.active) + len(res.visited)) {
		return
	}
	if !ok || !res.reusable(d.active) {
		sub := &pbDiff{rules: d.rules, legacy: d.legacy, path: strings.Split(o.local, "."),
			active: maps.Clone(d.active), visited: map[*pbMessage]bool{}, shared: &pbShared{memo: d.shared.memo, work: d.shared.work}}
		sub.checkMessage(o, u)
		res = pbSubResult{changes: sub.changes, incompatible: sub.incompatible, visited: sub.visited}
		if sub.guardHit {
			d.guardHit = true
		} else {
			d.shared.memo[key] = res
		}
	}
	for m := range res.visited {
		d.visited[m] = true
	}
	d.shared.work.Spend(len(res.visited) + len(res.changes))
	d.appendChanges(res.changes)
	d.incompatible = d.incompatible || res.incompatible
	if res.incompatible {
		d.add(pbFieldNamedTypeChanged)
	}
}

// checkMembersLegacy is the oneof handling before DGS-24604: top-level fields and oneofs
// (by name) compared separately.
func (d *pbDiff) checkMembersLegacy(o, u *pbMessage) {
	oTop := map[int32]*pbField{}
	var oTags []int32
	for _, f := range o.fields {
		oTop[f.tag] = f
		oTags = append(oTags, f.tag)
	}
	uTop := map[int32]*pbField{}
	var uTags []int32
	for _, f := range u.fields {
		uTop[f.tag] = f
		uTags = append(uTags, f.tag)
	}
	oOneofMembers := map[int32]bool{}
	oOneofs := map[string]*pbOneof{}
	for _, oneof := range o.oneofs {
		oOneofs[oneof.name] = oneof
		for _, f := range oneof.fields {
			oOneofMembers[f.tag] = true
		}
	}
	uOneofs := map[string]*pbOneof{}
	for _, oneof := range u.oneofs {
		uOneofs[oneof.name] = oneof
		done := d.enter(oneof.name)
		moved, existing := 0, 0
		for _, f := range oneof.fields {
			if _, ok := oTop[f.tag]; ok {
				delete(oTop, f.tag)
				moved++
			} else if oOneofMembers[f.tag] {
				existing++
			}
		}
		if moved > 1 {
			d.add(pbMultipleFieldsMovedToOneof)
		} else if moved == 1 && existing > 0 {
			d.add(pbFieldMovedToExistingOneof)
		}
		done()
	}
	d.checkOneofsLegacy(o.oneofs, u.oneofs, oOneofs, uOneofs)
	oTags = slices.DeleteFunc(oTags, func(t int32) bool { return oTop[t] == nil })
	for _, tag := range pbUnionTags(oTags, uTags) {
		done := d.enter(pbItoa(tag))
		of, uf := oTop[tag], uTop[tag]
		switch {
		case uf == nil && of.label == "required":
			d.add(pbRequiredFieldRemoved)
		case uf == nil:
			d.add(pbFieldRemoved)
		case of == nil && uf.label == "required":
			d.add(pbRequiredFieldAdded)
		case of == nil:
			d.add(pbFieldAdded)
		default:
			d.checkField(of, uf)
		}
		done()
	}
}

func (d *pbDiff) checkOneofsLegacy(ol, ul []*pbOneof, om, um map[string]*pbOneof) {
	for _, name := range pbUnionNames(ol, ul, func(o *pbOneof) string { return o.name }) {
		done := d.enter(name)
		o, u := om[name], um[name]
		switch {
		case u == nil:
			d.add(pbOneofRemoved)
		case o == nil:
			d.add(pbOneofAdded)
		default:
			d.checkOneofMembersLegacy(o, u)
		}
		done()
	}
}

// checkOneofMembersLegacy is the former OneOfDiff: members of same-named oneofs by tag.
func (d *pbDiff) checkOneofMembersLegacy(o, u *pbOneof) {
	oBy, uBy := map[int32]*pbField{}, map[int32]*pbField{}
	var oTags, uTags []int32
	for _, f := range o.fields {
		oBy[f.tag] = f
		oTags = append(oTags, f.tag)
	}
	for _, f := range u.fields {
		uBy[f.tag] = f
		uTags = append(uTags, f.tag)
	}
	for _, tag := range pbUnionTags(oTags, uTags) {
		done := d.enter(pbItoa(tag))
		switch of, uf := oBy[tag], uBy[tag]; {
		case uf == nil:
			d.add(pbOneofFieldRemoved)
		case of == nil:
			d.add(pbOneofFieldAdded)
		default:
			d.checkField(of, uf)
		}
		done()
	}
}
