package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
//	                              (with a hash when long or not lower-case: subjectFile)
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
			return badInput(err)
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
		files := map[string]string{} // lower-cased file name → subject
		for _, subject := range subjects {
			s, err := exportSubject(ctx, r, subject)
			if err != nil {
				return fmt.Errorf("subject %s: %w", printable(subject), err)
			}
			file := subjectFile(dir, subject)
			if other, ok := files[strings.ToLower(file)]; ok {
				return fmt.Errorf("subjects %q and %q would share the file %s", other, subject, file)
			}
			files[strings.ToLower(file)] = subject
			if err := writeJSONFile(file, s); err != nil {
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
	config, err := r.get(ctx, "/config/"+pathSegment(scope), nil)
	if err != nil && !isNotFound(err, 40408) && !isNotFound(err, 40401) && !isMissingEndpoint(err) {
		return nil, "", err
	}
	var mode struct{ Mode string }
	if _, err := r.get(ctx, "/mode/"+pathSegment(scope), &mode); err != nil && !isNotFound(err, 40409) && !isNotFound(err, 40401) && !isMissingEndpoint(err) {
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
// ":" or a leading ".") is one plain file name, with escapes in lower case ("%2e").
//
// Import reads the subject from the file, not from its name, so the name only has to be
// unique and writable. Where the escaped name has upper-case letters, is longer than
// maxSubjectName or is a device name on Windows, it is cut to maxSubjectName bytes and
// gets "%%" and a hash of the exact subject: file names then differ even on file systems
// that ignore case (Orders and orders) or limit names to 255 bytes. No plain name has
// "%%" (a "%" is escaped as %25), so a hashed name never meets a plain one either.
func subjectFile(dir, subject string) string {
	name := lowerEscapes(strings.ReplaceAll(url.QueryEscape(subject), ".", "%2E"))
	if name != strings.ToLower(name) || len(name) > maxSubjectName || windowsDevices[strings.ToLower(name)] {
		sum := sha256.Sum256([]byte(subject))
		name = name[:min(len(name), maxSubjectName)] + "%%" + hex.EncodeToString(sum[:16])
	}
	return filepath.Join(dir, "subjects", name+".json")
}

// maxSubjectName bounds the escaped subject in a file name: with the hash and ".json" a
// name stays under the 255 bytes file systems allow.
const maxSubjectName = 150

// windowsDevices are the names Windows gives devices in every directory.
var windowsDevices = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true}

// lowerEscapes writes the hex digits of %XX escapes in lower case.
func lowerEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerHex(b[i+1]), lowerHex(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lowerHex(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
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
