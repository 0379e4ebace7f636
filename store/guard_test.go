package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/accord-registry/accord/compat"
	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// recordingGuard allows every subject but one and records what it was asked.
type recordingGuard struct {
	deny          string
	asked, readOf []string
}

var errDenied = errors.New("denied")

func (g *recordingGuard) Allow(s string) error {
	g.asked = append(g.asked, s)
	if s == g.deny {
		return errDenied
	}
	return nil
}

func (g *recordingGuard) AllowRead(s string) error {
	g.readOf = append(g.readOf, s)
	if s == g.deny {
		return errDenied
	}
	return nil
}

// TestGuardSeesServedSubject: the store asks the request's Guard about the subject it
// serves (after the context fallback and the alias), about referenced subjects before it
// resolves them, and about an alias's target when one is set.
func TestGuardSeesServedSubject(t *testing.T) {
	fl, err := filelog.Open(t.TempDir(), filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	s, err := store.Open(context.Background(), store.Config{Log: fl})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bg := context.Background()
	for _, subject := range []string{":.internal:legacy", "target"} {
		if _, err := s.Register(bg, subject, store.SchemaRequest{Type: compat.TypeAvro, Schema: `"string"`, ID: -1}, false); err != nil {
			t.Fatal(err)
		}
	}
	alias := "target"
	if _, err := s.SetConfig(bg, "via", store.ConfigRecord{ConfigOptions: store.ConfigOptions{Alias: &alias}}, nil); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, deny string
		call       func(ctx context.Context) error
		asked      string
	}{
		{"fallback", ":.internal:legacy", func(ctx context.Context) error {
			_, err := s.Version(ctx, "legacy", store.Latest, false)
			return err
		}, ":.internal:legacy"},
		{"alias read", "target", func(ctx context.Context) error {
			_, err := s.Versions(ctx, "via", store.VersionsOptions{})
			return err
		}, "target"},
		{"alias write", "target", func(ctx context.Context) error {
			_, err := s.DeleteVersion(ctx, "via", 1, false)
			return err
		}, "target"},
		{"alias set", ":.ctx:hidden", func(ctx context.Context) error {
			a := "hidden"
			_, err := s.SetConfig(ctx, ":.ctx:mine", store.ConfigRecord{ConfigOptions: store.ConfigOptions{Alias: &a}}, nil)
			return err
		}, ":.ctx:hidden"},
	} {
		g := &recordingGuard{deny: tc.deny}
		if err := tc.call(store.WithGuard(bg, g)); !errors.Is(err, errDenied) {
			t.Errorf("%s: %v, want the Guard's refusal", tc.name, err)
		}
		if !slices.Contains(g.asked, tc.asked) {
			t.Errorf("%s: the Guard was asked %q, want %q", tc.name, g.asked, tc.asked)
		}
	}

	// A reference to a subject that does not exist is refused by the Guard, not reported
	// missing: the check comes before resolution.
	g := &recordingGuard{deny: "missing"}
	req := store.SchemaRequest{Type: compat.TypeAvro, Schema: `"M"`, ID: -1, References: []store.Reference{{Name: "M", Subject: "missing", Version: 1}}}
	if _, err := s.Register(store.WithGuard(bg, g), "mine", req, false); !errors.Is(err, errDenied) {
		t.Errorf("a reference to a missing subject: %v, want the Guard's refusal", err)
	}
}
