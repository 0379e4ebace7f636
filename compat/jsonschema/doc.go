// Package jsonschema parses JSON Schemas and checks their compatibility the way Confluent
// Schema Registry does: Confluent's JSON Schema SchemaDiff.compare(original, update), with
// backward meaning original = old and update = new, the change kinds and verdicts of its
// STRICT and LENIENT policies, and its canonical text. The target is Confluent's master of
// May 2026 (the split of PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL into OPTIONAL_ and REQUIRED_
// kinds, the unevaluatedProperties/Items and min/maxContains rules, the LENIENT policy, the
// memoised diff).
//
// # The model
//
// Confluent does not diff JSON text: it diffs the object model its loader builds (everit for
// drafts 4 to 7, the default when $schema is absent or unknown; json-sKema translated into
// everit's classes for 2019-09 and 2020-12). Same verdicts need the same model, so model.go
// builds it as everit does. A $ref is followed and its target compared, so a reference and an
// inline copy of its target are equal; up to draft 7 keywords beside $ref are ignored. Keyword
// groups become typed nodes in everit's order: enum, each of allOf/anyOf/oneOf, not, const,
// type (a type array becomes an anyOf with one typed member per entry), then keywords not yet
// consumed are sniffed as array, object, number or string keywords and if/then/else. No node
// makes an empty schema, one node is that schema, several make a synthetic allOf (whose member
// order only shows in paths such as #/allOf/1/enum). integer and number are both number nodes
// with an "integer" flag. Keywords whose values the diff never compares (format, contains,
// propertyNames, readOnly, examples, unknown keywords, ...) are invisible to it.
//
// # The diff
//
// compare reports every change, compatible or not, as a change kind at a JSON-pointer path
// (Changes lists them all): a schema missing on one side (SCHEMA_ADDED, SCHEMA_REMOVED);
// references followed; a combined schema against a plain one, where a one-member combination
// is unwrapped, an anyOf/oneOf update may match one member (SUM_TYPE_EXTENDED) and an allOf
// original may match one member (PRODUCT_TYPE_NARROWED), and anything else is a single
// TYPE_CHANGED; nodes of different classes (TYPE_CHANGED, except against false, empty or true
// schemas); then the common keywords and the class's own rules, one function each in
// jsonRuleTable. Pairs are memoised and a pair met again while being compared counts as
// compatible, so recursive schemas terminate. The pair is compatible when every reported kind
// is compatible under the policy (jsonChangeKinds); Differences writes the incompatible ones as
// Confluent's messages.
//
// Checks run in verdict mode (verdict.go): only incompatible changes are kept, so combined
// schemas without references or not are matched lazily (identical members first, other pairs
// only when the maximum matching needs them), and the work is charged to a budget.Budget. The
// verdict and messages are those of the exhaustive comparison; a randomized test compares the
// two.
//
// # Agreement with Confluent
//
// Against Confluent's corpora (backward direction for every file, plus forward, LENIENT and
// FULL for derived-both-directions.json), verdicts and change multisets: diff-schema-examples
// 208/208 verdicts (STRICT and LENIENT) and 104/104 change lists; diff-combined-schema-examples
// 56/56 and 28/28; diff-schema-examples-2020-12.strict 226/226 and 113/113;
// diff-combined-schema-examples-2020-12 36/36 and 18/18; derived-both-directions 660/660 (four
// directions and FULL) and 528/528; recursive-schema 1/1 (terminates, no change against
// itself). No case is special-cased.
//
// # Known differences
//
//   - Validator. Schemas are validated with santhosh-tekuri/jsonschema v5 (drafts 4, 6, 7,
//     2019-09, 2020-12; draft 7 when $schema is absent or unknown), not with everit or
//     json-sKema. Messages of 42201 errors are that validator's, not Confluent's. The two
//     libraries may disagree on edge cases of meta-schema validation; format is not asserted.
//     Nothing is ever loaded from the network or the file system: a $ref that is neither
//     inside the document nor a registered reference (matched by name, resolved against the
//     schema's $id) is a 42201 error. Confluent can fetch remote $refs when allowed.
//   - Depth. A schema nested deeper than 256 JSON levels is refused (42201): the validator's
//     cost grows with the cube of the depth (0.3 s at 256 levels). Confluent accepts up to
//     Jackson's limit of 1000. The JSON reader also accepts comments (package jackson).
//   - Model size. A schema whose sub-schemas, counted once at every level above them, add up
//     to more than 32 times its text (plus 1 MiB) is refused as invalid (42201); hand-written
//     schemas nest a few levels on average.
//   - Reference messages. A reference of another schema type gives "a JSON schema cannot
//     reference a <TYPE> schema"; Confluent's exact wording was not confirmed.
//   - Model details not checked against everit's source. The sniffed string keywords include
//     format (so {"format":"email"} is a string schema). For drafts 2019-09/2020-12
//     (json-sKema's translation): $id is not compared (no ID_CHANGED, as the 2020-12 corpus
//     shows), an empty "properties": {} does not make an object schema ({"properties":{}} is
//     an empty schema), minContains defaults to 1 when contains is present, "items": true/false
//     is additionalItems and items after prefixItems is additionalItems. Unconfirmed guesses:
//     in 2019-09/2020-12 a $ref with sibling keywords becomes a synthetic allOf of the
//     reference and the siblings (draft 7 and earlier ignore the siblings, as everit does);
//     dependencies is still read there beside dependentRequired/dependentSchemas. References
//     follow JSON pointers, embedded $id resources, draft 6/7 plain-name $ids and 2019+
//     $anchors; $recursiveRef and $dynamicRef are not followed by the diff (the validator still
//     checks them).
//   - What loads. Confluent only loads a schema and checks it against no meta-schema; Accord
//     validates it against its draft's meta-schema, so it refuses some schemas Confluent keeps
//     (e.g. {"minLength": "x"}). Accepted as Confluent accepts them: a type array with
//     repeated names (an anyOf with one member per entry, de-duplicated by the diff);
//     reference cycles without a schema in between ({"$ref":"#"}, {"anyOf":[{"$ref":"#"},
//     ...]}, definitions referring to each other), which everit resolves lazily (a cycle is
//     compared as Confluent's ReferenceSchema: same class on both sides is no change, another
//     class TYPE_CHANGED, and a pair met again while being compared counts as compatible); up
//     to draft 7, a "#/..." pointer inside a subschema with its own $id, which everit evaluates
//     against the document root (Accord follows the root's target; when only the $id resource
//     has the pointer, Accord follows that one where Confluent refuses the schema). Only the
//     validator's copy of the document is adjusted for these (compiler.go); the stored text is
//     the schema as written.
//   - Reference chains. Confluent's SchemaDiff.normalizeSchema unwraps one reference, so a $ref
//     to a definition that is itself only a $ref compares as a ReferenceSchema (no change
//     against another reference, TYPE_CHANGED against anything else); Accord follows the whole
//     chain and compares the final targets (a chain that ends in a cycle compares as a
//     reference, as in Confluent). Read, not run.
//   - additionalItems beside a single items schema (drafts 4 to 7): additionalItems: false is
//     no change (everit's ArraySchema overrides it to "permits additional items"), as in
//     Confluent; an additionalItems schema there is kept and diffed (ADDITIONAL_ITEMS_NARROWED
//     when added, as Confluent reports it) although validation ignores it. In 2020-12,
//     additionalItems is not a keyword and is ignored.
//   - Draft 4 boolean exclusiveMaximum/exclusiveMinimum are not compared (everit keeps them as
//     flags that Confluent's NumberSchemaDiff does not look at; read, not run).
//   - Numbers in bounds, enum and const values are compared by exact value (1 equals 1.0);
//     Confluent compares bounds as Java doubles, so bounds differing only beyond double
//     precision are a change for Accord and none for Confluent.
//   - exclusiveMaximum decreased: Confluent compares the old limit with the new schema's
//     maximum (a bug Accord reproduces: no change is reported unless the old limit exceeds the
//     new maximum); without a maximum Confluent throws a NullPointerException and the request
//     fails, where Accord reports EXCLUSIVE_MAXIMUM_DECREASED.
//   - Maximum matching of combined members. Accord uses augmenting paths in member order; when
//     several maximum matchings exist, the reported changes of matched pairs may differ from
//     Confluent's (the verdict does not). Synthetic allOf members are ordered enum, allOf,
//     anyOf, oneOf, not, const, typed, array, object, number, string, conditional (Confluent:
//     hash-set order), so #/allOf/<i> indexes may differ.
//   - Recursion. A pair met again while being compared counts as compatible and finished pairs
//     are memoised (Confluent's memoised diff); the later fixed-point iteration of recent
//     masters is not done.
//   - Canonical text is Confluent's JsonSchema.canonicalString() (read from its source: Jackson
//     with USE_BIG_DECIMAL_FOR_FLOATS and exact BigDecimals): the document written compactly
//     with its key order; numbers with a fraction or exponent are written as Java's
//     BigDecimal.toString() of the literal (1.50 stays 1.50, 1e2 becomes 1E+2, 0.0000001
//     becomes 1E-7). A repeated key keeps its first position and last value. Normalising sorts
//     object keys recursively (Java String order), as JsonSchema.normalize() re-reads the
//     canonical text with a sorted node factory. Confluent's reader accepts NaN and Infinity,
//     Accord's does not; a number longer than 1000 characters when written is refused.
package jsonschema
