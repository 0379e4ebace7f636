package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// setting is one of the registry's two per-scope settings, the compatibility level (/config)
// and the mode (/mode): global, or of one subject.
type setting struct {
	path     string // /config or /mode
	readKey  string // the field GET answers with
	writeKey string // the field PUT takes and echoes
	values   string // what --set takes, for the usage line
	force    bool   // PUT takes force=true (mode: IMPORT on a registry that has subjects)
}

func configCommand(fs *flag.FlagSet) clientAction {
	return setting{path: "/config", readKey: "compatibilityLevel", writeKey: "compatibility",
		values: "BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE"}.command(fs)
}

func modeCommand(fs *flag.FlagSet) clientAction {
	return setting{path: "/mode", readKey: "mode", writeKey: "mode", values: "READWRITE, READONLY or IMPORT", force: true}.command(fs)
}

// command shows the setting in effect (a subject without its own falls back to the global
// one, as the registry applies it), sets it with --set, or removes a subject's own with
// --unset.
func (s setting) command(fs *flag.FlagSet) clientAction {
	set := fs.String("set", "", "set it: "+s.values)
	unset := fs.Bool("unset", false, "remove the setting: a subject's, so that the global one applies; the global one, back to the server's default")
	var force *bool
	if s.force {
		force = fs.Bool("force", false, "with --set IMPORT: allow it on a registry or subject that already has schemas")
	}
	return func(ctx context.Context, r *remote, args []string) error {
		if len(args) > 1 || (*set != "" && *unset) {
			return usageError("give at most one SUBJECT, and --set or --unset, not both")
		}
		path, scope := s.path, "global"
		if len(args) == 1 {
			path, scope = s.path+"/"+pathSegment(args[0]), args[0]
		}
		switch {
		case *set != "":
			raw, err := r.call(ctx, "PUT", path, map[string]string{s.writeKey: strings.ToUpper(*set)}, when(force != nil && *force, sr.Force)...)
			if err != nil {
				return err
			}
			return r.emit(raw, fmt.Sprintf("%s: %s\n", scope, field(raw, s.writeKey)))
		case *unset:
			raw, err := r.call(ctx, "DELETE", path, nil)
			if err != nil {
				return err
			}
			return r.emit(raw, fmt.Sprintf("%s: removed (was %s)\n", scope, field(raw, s.readKey, s.writeKey)))
		}
		raw, err := r.get(ctx, path, nil, when(len(args) == 1, sr.DefaultToGlobal)...)
		if err != nil {
			return err
		}
		return r.emit(raw, field(raw, s.readKey)+"\n")
	}
}

// field is the first of keys an answer has, as text.
func field(raw []byte, keys ...string) string {
	var m map[string]any
	if json.Unmarshal(raw, &m) == nil {
		for _, k := range keys {
			if v, ok := m[k]; ok && v != nil {
				return fmt.Sprint(v)
			}
		}
	}
	return string(raw)
}
