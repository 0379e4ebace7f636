package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/accord-registry/accord/compat"
)

// offline checks the last file against the others with the registry's own parser and
// checker (package compat): the verdict and messages are those `accord serve` would give.
func (c *checkConfig) offline(ctx context.Context, files []string) (*checkReport, error) {
	level, err := c.levelOr(compat.LevelBackward)
	if err != nil {
		return nil, err
	}
	newPath := files[len(files)-1]
	typ, err := c.typeOf(newPath)
	if err != nil {
		return nil, err
	}
	if err := c.sameType(files, typ); err != nil {
		return nil, err
	}
	deps, err := c.references.fromFiles(typ, c.readFile)
	if err != nil {
		return nil, err
	}
	previous := make([]compat.Previous, 0, len(files)-1)
	for i, path := range files[:len(files)-1] {
		s, err := c.parseFile(path, typ, deps, false)
		if err != nil {
			return nil, err
		}
		previous = append(previous, compat.Previous{Schema: s, Version: i + 1})
	}
	next, err := c.parseFile(newPath, typ, deps, true)
	if err != nil {
		return nil, err
	}
	result, err := compat.Check(ctx, next, previous, compat.CheckOptions{Level: level})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", newPath, err)
	}
	against := strings.Join(files[:len(files)-1], ", ")
	return c.newReport(newPath, against, level.String(), result), nil
}

// sameType refuses files whose extensions say different types: offline, the files are
// versions of one schema, and an .avsc parsed as Protobuf only says it is not valid.
func (c *checkConfig) sameType(files []string, typ compat.SchemaType) error {
	if c.schemaType != "" {
		return nil
	}
	newPath := files[len(files)-1]
	for _, path := range files[:len(files)-1] {
		if t, err := c.typeOf(path); err == nil && t != typ {
			return fmt.Errorf("%s is %s schema and %s %s schema: offline, the files are versions of one schema, oldest first, and the last is checked against the others; to check several schemas, each against its own history, use --git-base or accord.yaml",
				path, withArticle(t), newPath, withArticle(typ))
		}
	}
	return nil
}

// withArticle is "an AVRO", "a JSON", "a PROTOBUF".
func withArticle(t compat.SchemaType) string {
	if strings.HasPrefix(string(t), "A") {
		return "an " + string(t)
	}
	return "a " + string(t)
}

// parseFile reads and parses one schema file; isNew validates it as a new registration does.
func (c *checkConfig) parseFile(path string, typ compat.SchemaType, deps []compat.Dependency, isNew bool) (*compat.Schema, error) {
	text, err := c.readFile(path)
	if err != nil {
		return nil, err
	}
	return parseText(path, text, typ, deps, isNew)
}

// parseText parses a schema; name says where it came from in the error.
func parseText(name string, text []byte, typ compat.SchemaType, deps []compat.Dependency, isNew bool) (*compat.Schema, error) {
	s, err := compat.Parse(typ, string(text), deps, compat.ParseOptions{New: isNew})
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid %s schema: %w%s", name, typ, err, referenceHint(err))
	}
	return s, nil
}

// The parsers' words for a name, import or $ref that nothing defines: most often a
// reference the command line did not give.
var (
	undefinedName   = regexp.MustCompile(`Undefined schema: (\S+)`)
	unresolvedPath  = regexp.MustCompile(`could not resolve path "([^"]+)"`)
	unknownJSONRef  = regexp.MustCompile(`unknown reference mem:///([^\s:]+)`)
	referenceAdvice = " pass --reference %[1]s=FILE, or %[1]s=SUBJECT:VERSION with --registry)"
)

// referenceHint says how to give the reference a parse error says is missing, or "".
func referenceHint(err error) string {
	msg := err.Error()
	if m := undefinedName.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf(" (a referenced schema?"+referenceAdvice, m[1])
	}
	if m := unresolvedPath.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf(" (an imported file?"+referenceAdvice, m[1])
	}
	if m := unknownJSONRef.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf(" (a referenced schema?"+referenceAdvice, m[1])
	}
	return ""
}

// references is the repeatable --reference flag: name=FILE or name=subject:version.
type references []reference

type reference struct{ name, target string }

func (r *references) String() string {
	parts := make([]string, len(*r))
	for i, ref := range *r {
		parts[i] = ref.name + "=" + ref.target
	}
	return strings.Join(parts, ",")
}

func (r *references) Set(v string) error {
	name, target, ok := strings.Cut(v, "=")
	if !ok || name == "" || target == "" {
		return errors.New("want name=FILE or name=subject:version")
	}
	*r = append(*r, reference{name, target})
	return nil
}

// fromFiles reads references given as files with read (the working tree's or a git
// revision's), in the order given: a reference's own references must come before it.
func (r references) fromFiles(typ compat.SchemaType, read func(string) ([]byte, error)) ([]compat.Dependency, error) {
	deps := make([]compat.Dependency, 0, len(r))
	for _, ref := range r {
		text, err := read(ref.target)
		if err != nil {
			return nil, fmt.Errorf("--reference %s: %w", ref.name, err)
		}
		deps = append(deps, compat.Dependency{Name: ref.name, Type: typ, Schema: string(text)})
	}
	return deps, nil
}
