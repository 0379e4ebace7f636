package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// importCommand replays an export: the default context and every exported context are
// put in IMPORT mode (which Confluent allows only where there are no subjects yet, unless
// --force), every version is registered with its id and version number, dependencies
// first, soft-deleted versions are deleted again, then the subjects' configs and modes and
// the contexts' and global ones are restored. Registering a version that is already there
// with the same id is a no-op, so an import that stopped half-way can be run again with
// --force.
func importCommand(fs *flag.FlagSet) clientAction {
	force := fs.Bool("force", false, "import into a registry that already has subjects")
	return func(ctx context.Context, r *remote, args []string) error {
		if len(args) != 1 {
			return usageError("give the DIR an export wrote")
		}
		reg, subjects, err := readExport(args[0])
		if err != nil {
			return badInput(err)
		}
		scopes := importScopes(reg)
		for _, sc := range scopes {
			if err := setMode(ctx, r, sc.modePath, "IMPORT", *force); err != nil {
				restoreModes(ctx, r, scopes)
				if isNotFound(err, codeHasSubjects) && !*force {
					return fmt.Errorf("switching %s to IMPORT mode: %w; to import into a registry that has subjects, run the import again with --force (ids and versions already there are kept, and a clash is refused)", sc.name, err)
				}
				return fmt.Errorf("switching %s to IMPORT mode: %w", sc.name, err)
			}
		}
		versions, err := replay(ctx, r, subjects)
		if err != nil {
			restoreModes(ctx, r, scopes)
			return fmt.Errorf("%w (the registry's modes are restored; fix the cause and run the import again with --force)", err)
		}
		if err := restoreSettings(ctx, r, scopes, subjects); err != nil {
			return err
		}
		summary := map[string]any{"subjects": len(subjects), "versions": versions}
		raw, _ := json.Marshal(summary)
		return r.emit(raw, fmt.Sprintf("imported %d subjects, %d versions from %s\n", len(subjects), versions, args[0]))
	}
}

// codeHasSubjects is the registry's refusal of IMPORT mode where subjects exist without
// force=true (Confluent's OperationNotPermittedException, 42205).
const codeHasSubjects = 42205

// importScope is the default context or another one: where the import switches the mode,
// and the settings it restores there afterwards.
type importScope struct {
	name                 string
	modePath, configPath string
	config               json.RawMessage // nil: none of its own
	mode                 string          // "": none of its own
}

func importScopes(reg exportedRegistry) []importScope {
	mode := reg.Mode
	if mode == "" {
		mode = "READWRITE"
	}
	scopes := []importScope{{name: "the registry", modePath: "/mode", configPath: "/config", config: reg.Config, mode: mode}}
	for _, c := range reg.Contexts {
		scope := pathSegment(":" + c.Name + ":")
		scopes = append(scopes, importScope{name: "context " + c.Name, modePath: "/mode/" + scope,
			configPath: "/config/" + scope, config: c.Config, mode: c.Mode})
	}
	return scopes
}

// restoreModes sets each scope's mode back to the exported one, or removes the IMPORT mode
// the import gave a scope that had none of its own.
func restoreModes(ctx context.Context, r *remote, scopes []importScope) error {
	var first error
	for _, sc := range scopes {
		var err error
		if sc.mode != "" {
			err = setMode(ctx, r, sc.modePath, sc.mode, true)
		} else if _, err = r.call(ctx, "DELETE", sc.modePath, nil); isNotFound(err, 40401) {
			err = nil
		}
		if err != nil && first == nil {
			first = fmt.Errorf("mode of %s: %w", sc.name, err)
		}
	}
	return first
}

// readExport reads an export directory.
func readExport(dir string) (exportedRegistry, []exportedSubject, error) {
	var reg exportedRegistry
	if err := readJSONFile(filepath.Join(dir, "registry.json"), &reg); err != nil {
		return reg, nil, err
	}
	if reg.Format != exportFormat {
		return reg, nil, fmt.Errorf("%s: format %q, want %q: %w", dir, reg.Format, exportFormat, errExportFormat)
	}
	files, err := filepath.Glob(filepath.Join(dir, "subjects", "*.json"))
	if err != nil {
		return reg, nil, err
	}
	subjects := make([]exportedSubject, 0, len(files))
	for _, f := range files {
		var s exportedSubject
		if err := readJSONFile(f, &s); err != nil {
			return reg, nil, err
		}
		if s.Subject == "" {
			return reg, nil, fmt.Errorf("%s: no subject: %w", f, errExportFormat)
		}
		subjects = append(subjects, s)
	}
	return reg, subjects, nil
}

// replay registers every version and soft-deletes those that were, and returns how many
// versions it registered.
func replay(ctx context.Context, r *remote, subjects []exportedSubject) (int, error) {
	order, err := dependencyOrder(subjects)
	if err != nil {
		return 0, err
	}
	for _, v := range order {
		body := registered{ID: v.ID, Version: v.Version, SchemaType: v.SchemaType, Schema: v.Schema,
			References: v.References, Metadata: v.Metadata, RuleSet: v.RuleSet}
		if _, err := r.call(ctx, "POST", subjectPath(v.Subject, "/versions"), body); err != nil {
			return 0, fmt.Errorf("registering %s version %d (id %d): %w", v.Subject, v.Version, v.ID, registryError(err))
		}
	}
	// Soft-delete in reverse: a version that references another goes first, as the
	// registry refuses to delete a version something still references.
	for _, v := range slices.Backward(order) {
		if !v.Deleted {
			continue
		}
		_, err := r.call(ctx, "DELETE", subjectPath(v.Subject, fmt.Sprintf("/versions/%d", v.Version)), nil)
		if err != nil && !isNotFound(err, 40406) { // 40406: already soft-deleted
			return 0, fmt.Errorf("soft-deleting %s version %d: %w", v.Subject, v.Version, registryError(err))
		}
	}
	return len(order), nil
}

// dependencyOrder orders the versions so that each comes after the versions it references,
// and otherwise by id (the order they were first registered in), then subject and version.
func dependencyOrder(subjects []exportedSubject) ([]exportedVersion, error) {
	type key struct {
		subject string
		version int
	}
	byKey := map[key]exportedVersion{}
	var all []exportedVersion
	for _, s := range subjects {
		for _, v := range s.Versions {
			v.Subject = s.Subject
			byKey[key{v.Subject, v.Version}] = v
			all = append(all, v)
		}
	}
	slices.SortFunc(all, func(a, b exportedVersion) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), strings.Compare(a.Subject, b.Subject), cmp.Compare(a.Version, b.Version))
	})
	const (
		visiting = 1
		done     = 2
	)
	state := map[key]int{}
	order := make([]exportedVersion, 0, len(all))
	var visit func(v exportedVersion) error
	visit = func(v exportedVersion) error {
		k := key{v.Subject, v.Version}
		switch state[k] {
		case done:
			return nil
		case visiting:
			return fmt.Errorf("%s version %d references itself through its references", v.Subject, v.Version)
		}
		state[k] = visiting
		for _, ref := range v.References {
			dep, ok := byKey[key{ref.Subject, ref.Version}]
			if !ok {
				continue // not in the export: it must already be in the target registry
			}
			if err := visit(dep); err != nil {
				return err
			}
		}
		state[k] = done
		order = append(order, v)
		return nil
	}
	for _, v := range all {
		if err := visit(v); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// restoreSettings sets the subjects' own configs and modes, then the contexts' and the
// global ones (modes last: they were IMPORT during the import).
func restoreSettings(ctx context.Context, r *remote, scopes []importScope, subjects []exportedSubject) error {
	for _, s := range subjects {
		if s.Config != nil {
			if err := putConfig(ctx, r, "/config/"+pathSegment(s.Subject), s.Config); err != nil {
				return fmt.Errorf("config of %s: %w", s.Subject, err)
			}
		}
	}
	for _, sc := range scopes {
		if sc.config != nil {
			if err := putConfig(ctx, r, sc.configPath, sc.config); err != nil {
				return fmt.Errorf("config of %s: %w", sc.name, err)
			}
		}
	}
	for _, s := range subjects {
		if s.Mode != "" {
			if err := setMode(ctx, r, "/mode/"+pathSegment(s.Subject), s.Mode, true); err != nil {
				return fmt.Errorf("mode of %s: %w", s.Subject, err)
			}
		}
	}
	return restoreModes(ctx, r, scopes)
}

// putConfig writes a config as GET answered it (a Config entity) through PUT, which takes a
// ConfigUpdateRequest: the same fields, with the level named "compatibility".
func putConfig(ctx context.Context, r *remote, path string, config json.RawMessage) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(config, &fields); err != nil {
		return err
	}
	update := map[string]json.RawMessage{}
	for k, v := range fields {
		if string(v) == "null" {
			continue
		}
		if k == "compatibilityLevel" {
			k = "compatibility"
		}
		update[k] = v
	}
	_, err := r.call(ctx, "PUT", path, update)
	return err
}

// setMode puts a mode; force lets IMPORT in on a scope that has subjects.
func setMode(ctx context.Context, r *remote, path, mode string, force bool) error {
	_, err := r.call(ctx, "PUT", path, map[string]string{"mode": mode}, when(force, sr.Force)...)
	return err
}
