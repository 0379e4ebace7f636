package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/compat"
)

var srTypes = map[compat.SchemaType]sr.SchemaType{compat.TypeAvro: sr.TypeAvro, compat.TypeJSON: sr.TypeJSON, compat.TypeProtobuf: sr.TypeProtobuf}

// compatType is the registry's schema type as package compat names it.
func compatType(t sr.SchemaType) compat.SchemaType {
	for ct, st := range srTypes {
		if st == t {
			return ct
		}
	}
	return compat.TypeAvro
}

// againstRegistry checks a file against a subject of a registry. The file is parsed here
// first, with its references from the registry: one that is not a schema of its type is an
// error (exit 2) and is not sent.
func (c *checkConfig) againstRegistry(ctx context.Context, path string) (*checkReport, error) {
	typ, err := c.typeOf(path)
	if err != nil {
		return nil, err
	}
	text, err := c.readFile(path)
	if err != nil {
		return nil, err
	}
	refs, err := c.references.fromRegistry()
	if err != nil {
		return nil, err
	}
	cl, err := c.client.client()
	if err != nil {
		return nil, err
	}
	deps, err := registryDeps(ctx, cl, refs, 0)
	if err != nil {
		return nil, err
	}
	if _, err := parseText(path, text, typ, deps, false); err != nil {
		return nil, err
	}
	schema := sr.Schema{Schema: string(text), Type: srTypes[typ], References: refs}
	if c.level != "" {
		return c.locally(ctx, cl, path, typ, schema)
	}
	return c.byRegistry(ctx, cl, path, schema)
}

// byRegistry asks the registry for its verdict (POST /compatibility/...?verbose=true).
func (c *checkConfig) byRegistry(ctx context.Context, cl *sr.Client, path string, schema sr.Schema) (*checkReport, error) {
	version := -2 // every version the subject's level says
	against := c.subject
	if c.version != "" {
		var err error
		if version, err = parseVersion(c.version); err != nil {
			return nil, err
		}
		against = c.subject + " version " + c.version
	}
	res, err := cl.CheckCompatibility(sr.WithParams(ctx, sr.Verbose), c.subject, version, schema)
	if isNotFound(err, 40401) && version == -2 {
		res, err = sr.CheckCompatibilityResult{Is: true}, nil // a new subject accepts anything
	}
	if err != nil {
		return nil, registryError(err)
	}
	level := "the subject's level"
	if levels := cl.Compatibility(sr.WithParams(ctx, sr.DefaultToGlobal), c.subject); len(levels) == 1 && levels[0].Err == nil {
		level = levels[0].Level.String()
	}
	messages := res.Messages
	if messages == nil {
		messages = []string{}
	}
	return c.newReport(path, against, level, compat.Result{Compatible: res.Is, Messages: messages}), nil
}

// locally checks against the subject's versions with --level, with the registry's checker.
func (c *checkConfig) locally(ctx context.Context, cl *sr.Client, path string, typ compat.SchemaType, schema sr.Schema) (*checkReport, error) {
	level, err := c.levelOr(compat.LevelBackward)
	if err != nil {
		return nil, err
	}
	versions, err := cl.Schemas(ctx, c.subject)
	if err != nil && !isNotFound(err, 40401) {
		return nil, registryError(err)
	}
	previous := make([]compat.Previous, 0, len(versions))
	for _, v := range versions {
		if c.version != "" && c.version != "latest" && strconv.Itoa(v.Version) != c.version {
			continue
		}
		s, err := parseRegistered(ctx, cl, v.Schema, false)
		if err != nil {
			return nil, fmt.Errorf("%s version %d: %w", c.subject, v.Version, err)
		}
		previous = append(previous, compat.Previous{Schema: s, Version: v.Version})
	}
	if c.version == "latest" && len(previous) > 1 {
		previous = previous[len(previous)-1:]
	}
	next, err := parseRegistered(ctx, cl, schema, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	result, err := compat.Check(ctx, next, previous, compat.CheckOptions{Level: level})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c.newReport(path, c.subject, level.String(), result), nil
}

// parseRegistered parses a schema whose references live in the registry.
func parseRegistered(ctx context.Context, cl *sr.Client, s sr.Schema, isNew bool) (*compat.Schema, error) {
	deps, err := registryDeps(ctx, cl, s.References, 0)
	if err != nil {
		return nil, err
	}
	return compat.Parse(compatType(s.Type), s.Schema, deps, compat.ParseOptions{New: isNew})
}

// registryDeps fetches references and theirs, dependencies first.
func registryDeps(ctx context.Context, cl *sr.Client, refs []sr.SchemaReference, depth int) ([]compat.Dependency, error) {
	if depth > 32 {
		return nil, errors.New("references nested more than 32 deep")
	}
	var deps []compat.Dependency
	for _, ref := range refs {
		ss, err := cl.SchemaByVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return nil, fmt.Errorf("reference %s (%s version %d): %w", ref.Name, ref.Subject, ref.Version, registryError(err))
		}
		inner, err := registryDeps(ctx, cl, ss.References, depth+1)
		if err != nil {
			return nil, err
		}
		deps = append(append(deps, inner...), compat.Dependency{Name: ref.Name, Type: compatType(ss.Type), Schema: ss.Schema.Schema})
	}
	return deps, nil
}

// fromRegistry reads references given as name=subject:version.
func (r references) fromRegistry() ([]sr.SchemaReference, error) {
	out := make([]sr.SchemaReference, 0, len(r))
	for _, ref := range r {
		i := strings.LastIndexByte(ref.target, ':')
		if i <= 0 {
			return nil, fmt.Errorf("--reference %s=%s: want name=subject:version with --registry", ref.name, ref.target)
		}
		v, err := parseVersion(ref.target[i+1:])
		if err != nil {
			return nil, fmt.Errorf("--reference %s: %w", ref.name, err)
		}
		out = append(out, sr.SchemaReference{Name: ref.name, Subject: ref.target[:i], Version: v})
	}
	return out, nil
}

// parseVersion reads a version number or "latest" (-1, as the registry API spells it).
func parseVersion(s string) (int, error) {
	if s == "latest" {
		return -1, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return 0, fmt.Errorf("version %q: want a positive number or latest", s)
	}
	return v, nil
}

func isNotFound(err error, code int) bool {
	var re *sr.ResponseError
	return errors.As(err, &re) && re.ErrorCode == code
}

// registryError says what the registry answered, with its error code, or, in one line naming
// the URL once, that it could not be reached.
func registryError(err error) error {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return fmt.Errorf("the registry answered %d (error code %d): %s", re.StatusCode, re.ErrorCode, re.Message)
	}
	return describeError(err)
}
