package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// An export is a directory any Confluent-compatible registry can be replayed from:
//
//	DIR/registry.json             the global compatibility config and mode, and those of
//	                              each context other than the default one
//	DIR/subjects/<subject>.json   a subject's versions (soft-deleted ones marked), its own
//	                              config and mode; the file name is the subject, escaped
//
// Versions keep their ids, version numbers, references, metadata and rule sets, and the
// schema text exactly as the registry answers it (its canonical form), so that the registry
// the export is imported into gives the same answers.

// exportFormat names the layout, so that a later change of it is detected on import.
const exportFormat = "accord-export/1"

// exportedRegistry is registry.json.
type exportedRegistry struct {
	Format   string            `json:"format"`
	Config   json.RawMessage   `json:"config"` // GET /config
	Mode     string            `json:"mode"`
	Contexts []exportedContext `json:"contexts"`
}

// exportedContext is a context other than the default one, with its own config and mode
// if it has them.
type exportedContext struct {
	Name   string          `json:"name"` // ".staging"
	Config json.RawMessage `json:"config,omitempty"`
	Mode   string          `json:"mode,omitempty"`
}

// exportedSubject is one subject's file.
type exportedSubject struct {
	Subject  string            `json:"subject"`
	Config   json.RawMessage   `json:"config,omitempty"` // GET /config/{subject}, when it has its own
	Mode     string            `json:"mode,omitempty"`   // its own mode, if any
	Versions []exportedVersion `json:"versions"`
}

// exportedVersion is a registered version as GET /subjects/{s}/versions/{v} answers it,
// with whether it is soft-deleted.
type exportedVersion struct {
	registered
	Deleted bool `json:"deleted,omitempty"`
}

func exportCommand(fs *flag.FlagSet) clientAction {
	return func(ctx context.Context, r *remote, args []string) error {
		if len(args) != 1 {
			return usageError("give the DIR to write to")
		}
		dir := args[0]
		if err := os.MkdirAll(filepath.Join(dir, "subjects"), 0o755); err != nil {
			return err
		}
		reg, err := exportRegistry(ctx, r)
		if err != nil {
			return err
		}
		if err := writeJSONFile(filepath.Join(dir, "registry.json"), reg); err != nil {
			return err
		}
		var subjects []string
		if _, err := r.get(ctx, "/subjects", &subjects, sr.ShowDeleted); err != nil {
			return err
		}
		versions := 0
		for _, subject := range subjects {
			s, err := exportSubject(ctx, r, subject)
			if err != nil {
				return fmt.Errorf("subject %s: %w", subject, err)
			}
			if err := writeJSONFile(subjectFile(dir, subject), s); err != nil {
				return err
			}
			versions += len(s.Versions)
		}
		summary := map[string]any{"subjects": len(subjects), "versions": versions, "dir": dir}
		raw, _ := json.Marshal(summary)
		return r.emit(raw, fmt.Sprintf("exported %d subjects, %d versions to %s\n", len(subjects), versions, dir))
	}
}

// exportRegistry reads the global config and mode, and the contexts'.
func exportRegistry(ctx context.Context, r *remote) (exportedRegistry, error) {
	reg := exportedRegistry{Format: exportFormat, Contexts: []exportedContext{}}
	config, err := r.get(ctx, "/config", nil)
	if err != nil {
		return reg, err
	}
	reg.Config = config
	mode := struct{ Mode string }{"READWRITE"}
	if _, err := r.get(ctx, "/mode", &mode); err != nil && !isMissingEndpoint(err) {
		return reg, err
	}
	reg.Mode = mode.Mode
	var contexts []string
	if _, err := r.get(ctx, "/contexts", &contexts); err != nil && !isMissingEndpoint(err) {
		return reg, err
	}
	for _, name := range contexts {
		if name == "." {
			continue
		}
		config, mode, err := ownSettings(ctx, r, ":"+name+":")
		if err != nil {
			return reg, fmt.Errorf("context %s: %w", name, err)
		}
		reg.Contexts = append(reg.Contexts, exportedContext{Name: name, Config: config, Mode: mode})
	}
	return reg, nil
}

// exportSubject reads every version of a subject, soft-deleted ones too, and its own config
// and mode.
func exportSubject(ctx context.Context, r *remote, subject string) (exportedSubject, error) {
	s := exportedSubject{Subject: subject, Versions: []exportedVersion{}}
	var all, live []int
	if _, err := r.get(ctx, subjectPath(subject, "/versions"), &all, sr.ShowDeleted); err != nil {
		return s, err
	}
	if _, err := r.get(ctx, subjectPath(subject, "/versions"), &live); err != nil && !isNotFound(err, 40401) {
		return s, err
	}
	for _, v := range all {
		var ev exportedVersion
		if _, err := r.get(ctx, subjectPath(subject, fmt.Sprintf("/versions/%d", v)), &ev.registered, sr.ShowDeleted); err != nil {
			return s, fmt.Errorf("version %d: %w", v, err)
		}
		ev.Subject, ev.Version = subject, v
		ev.Deleted = !slices.Contains(live, v)
		s.Versions = append(s.Versions, ev)
	}
	var err error
	s.Config, s.Mode, err = ownSettings(ctx, r, subject)
	return s, err
}

// ownSettings reads the config and mode a subject or context (":.ctx:") has of its own: a
// nil config and an empty mode when it falls back to the global ones.
func ownSettings(ctx context.Context, r *remote, scope string) (json.RawMessage, string, error) {
	config, err := r.get(ctx, "/config/"+url.PathEscape(scope), nil)
	if err != nil && !isNotFound(err, 40408) && !isNotFound(err, 40401) && !isMissingEndpoint(err) {
		return nil, "", err
	}
	var mode struct{ Mode string }
	if _, err := r.get(ctx, "/mode/"+url.PathEscape(scope), &mode); err != nil && !isNotFound(err, 40409) && !isNotFound(err, 40401) && !isMissingEndpoint(err) {
		return nil, "", err
	}
	return config, mode.Mode, nil
}

// isMissingEndpoint is a plain 404 (no registry error code of its own): a registry that
// does not have the endpoint, as older Confluent releases and Karapace lack /contexts and
// per-subject modes. The export goes on without what the endpoint would have said.
func isMissingEndpoint(err error) bool {
	var re *sr.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound && (re.ErrorCode == 0 || re.ErrorCode == http.StatusNotFound)
}

// subjectFile is the file of a subject: its name escaped so that any subject (with "/",
// ":" or a leading ".") is one plain file name.
func subjectFile(dir, subject string) string {
	name := strings.ReplaceAll(url.QueryEscape(subject), ".", "%2E")
	return filepath.Join(dir, "subjects", name+".json")
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func readJSONFile(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// errExportFormat is an export directory of another layout.
var errExportFormat = errors.New("not an accord export")
