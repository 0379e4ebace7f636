package rules_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/serde/rules"
)

// history is a fake subject: each version's schema text is "v<n>" and its migration rules
// are given by mode; fetch records the versions asked for.
type history struct {
	migrations map[int][]rules.Rule
	fetched    []int
	fail       int // a version whose fetch fails
}

func (h *history) info(v int) *rules.SchemaInfo {
	si := &rules.SchemaInfo{Schema: fmt.Sprintf("v%d", v), SchemaType: "AVRO"}
	if rs := h.migrations[v]; rs != nil {
		si.RuleSet = &rules.RuleSet{MigrationRules: rs}
	}
	return si
}

func (h *history) version(v int) rules.Versioned { return rules.Versioned{Version: v, Info: h.info(v)} }

func (h *history) fetch(_ context.Context, subject string, v int) (*rules.SchemaInfo, error) {
	if subject != "s-value" {
		return nil, fmt.Errorf("fetch of subject %q", subject)
	}
	h.fetched = append(h.fetched, v)
	if v == h.fail {
		return nil, errors.New("version gone")
	}
	return h.info(v), nil
}

func migrationRule(name string, mode rules.Mode) rules.Rule {
	return rules.Rule{Name: name, Kind: rules.Transform, Mode: mode, Type: "APPEND"}
}

// steps renders a plan as "UPGRADE v1->v2" lines.
func steps(plan []rules.MigrationStep) []string {
	var out []string
	for _, m := range plan {
		out = append(out, fmt.Sprintf("%s %s->%s", m.Mode, m.Source.Info.Schema, m.Target.Info.Schema))
		if m.Source.Info.Schema != fmt.Sprintf("v%d", m.Source.Version) || m.Target.Info.Schema != fmt.Sprintf("v%d", m.Target.Version) {
			out = append(out, "version and schema disagree")
		}
	}
	return out
}

func TestMigrationsPlan(t *testing.T) {
	up, down, updown := rules.Upgrade, rules.Downgrade, rules.UpDown
	cases := []struct {
		name           string
		rules          map[int][]rules.Rule
		writer, reader int
		want           []string
		fetched        []int
	}{
		{name: "upgrade over two steps", writer: 1, reader: 3,
			rules:   map[int][]rules.Rule{2: {migrationRule("u2", up)}, 3: {migrationRule("u3", up)}},
			want:    []string{"UPGRADE v1->v2", "UPGRADE v2->v3"},
			fetched: []int{2}},
		{name: "downgrade over two steps, newest first", writer: 3, reader: 1,
			rules:   map[int][]rules.Rule{2: {migrationRule("d2", down)}, 3: {migrationRule("d3", down)}},
			want:    []string{"DOWNGRADE v3->v2", "DOWNGRADE v2->v1"},
			fetched: []int{2}},
		{name: "equal versions", writer: 2, reader: 2,
			rules: map[int][]rules.Rule{2: {migrationRule("ud", updown)}}},
		{name: "adjacent versions fetch nothing", writer: 4, reader: 5,
			rules: map[int][]rules.Rule{5: {migrationRule("u5", up)}},
			want:  []string{"UPGRADE v4->v5"}},
		{name: "versions without migration rules in between", writer: 1, reader: 4,
			rules:   map[int][]rules.Rule{3: {migrationRule("u3", up)}},
			want:    []string{"UPGRADE v2->v3"},
			fetched: []int{2, 3}},
		{name: "downgrade skips versions without rules", writer: 4, reader: 1,
			rules:   map[int][]rules.Rule{2: {migrationRule("d2", down)}, 4: {migrationRule("d4", updown)}},
			want:    []string{"DOWNGRADE v4->v3", "DOWNGRADE v2->v1"},
			fetched: []int{2, 3}},
		{name: "UPDOWN rules upgrade", writer: 1, reader: 2,
			rules: map[int][]rules.Rule{2: {migrationRule("ud", updown)}},
			want:  []string{"UPGRADE v1->v2"}},
		{name: "UPDOWN rules downgrade", writer: 2, reader: 1,
			rules: map[int][]rules.Rule{2: {migrationRule("ud", updown)}},
			want:  []string{"DOWNGRADE v2->v1"}},
		{name: "rules of the other direction only", writer: 1, reader: 2,
			rules: map[int][]rules.Rule{2: {migrationRule("d2", down)}}},
		{name: "the older schema's rules never count", writer: 2, reader: 1,
			rules: map[int][]rules.Rule{1: {migrationRule("d1", down), migrationRule("ud1", updown)}}},
		{name: "domain rules are not migrations", writer: 1, reader: 2,
			rules: map[int][]rules.Rule{2: {migrationRule("w", rules.WriteRead)}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &history{migrations: c.rules}
			plan, err := rules.Migrations(context.Background(), "s-value", h.version(c.writer), h.version(c.reader), h.fetch)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, steps(plan)); d != "" {
				t.Errorf("steps (-want +got):\n%s", d)
			}
			if d := cmp.Diff(c.fetched, h.fetched); d != "" {
				t.Errorf("fetched versions (-want +got):\n%s", d)
			}
		})
	}
}

func TestMigrationsErrors(t *testing.T) {
	h := &history{fail: 3}
	_, err := rules.Migrations(context.Background(), "s-value", h.version(1), h.version(5), h.fetch)
	if err == nil || !strings.Contains(err.Error(), "version gone") || !strings.Contains(err.Error(), "3") {
		t.Fatalf("error %v, want the failed fetch of version 3", err)
	}
	_, err = rules.Migrations(context.Background(), "s-value", rules.Versioned{Version: 1}, h.version(2), h.fetch)
	if err == nil {
		t.Fatal("a writer without its schema was planned")
	}
	if _, err = rules.Migrations(context.Background(), "s-value", h.version(1), h.version(3), nil); err == nil {
		t.Fatal("versions to fetch without a fetcher were planned")
	}
}

// A plan runs through the engine: UPGRADE steps run each newer version's rules in order,
// DOWNGRADE steps each newer version's rules last first, newest version first; every step
// sees the versions it goes between as Source and Target, and the caller's subject and topic.
func TestRunMigrations(t *testing.T) {
	var seen []string
	record := execFunc{"APPEND", func(rc *rules.Context, msg any) (any, error) {
		seen = append(seen, fmt.Sprintf("%s %s %s->%s %s/%s", rc.Rule.Name, rc.Mode, rc.Source.Schema, rc.Target.Schema, rc.Subject, rc.Topic))
		return msg.(string) + "+" + rc.Rule.Name, nil
	}}
	e, err := rules.NewEngine(rules.WithExecutors(record))
	if err != nil {
		t.Fatal(err)
	}
	h := &history{migrations: map[int][]rules.Rule{
		2: {migrationRule("a2", rules.UpDown)},
		3: {migrationRule("a3", rules.UpDown), migrationRule("b3", rules.Upgrade), migrationRule("c3", rules.Downgrade)},
	}}
	base := &rules.Context{Context: context.Background(), Subject: "s-value", Topic: "s"}
	for _, c := range []struct {
		writer, reader int
		want           string
		seen           []string
	}{
		{1, 3, "m+a2+a3+b3", []string{
			"a2 UPGRADE v1->v2 s-value/s", "a3 UPGRADE v2->v3 s-value/s", "b3 UPGRADE v2->v3 s-value/s"}},
		{3, 1, "m+c3+a3+a2", []string{
			"c3 DOWNGRADE v3->v2 s-value/s", "a3 DOWNGRADE v3->v2 s-value/s", "a2 DOWNGRADE v2->v1 s-value/s"}},
		{2, 2, "m", nil},
	} {
		seen = nil
		plan, err := rules.Migrations(context.Background(), "s-value", h.version(c.writer), h.version(c.reader), h.fetch)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rules.RunMigrations(base, e, plan, "m")
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want || !slices.Equal(seen, c.seen) {
			t.Errorf("v%d to v%d: got %v after %q, want %v after %q", c.writer, c.reader, got, seen, c.want, c.seen)
		}
	}
	if base.Mode != "" || base.Source != nil || base.Target != nil {
		t.Errorf("RunMigrations changed the caller's context: %+v", base)
	}
}

// A failing step stops the walk with the engine's error.
func TestRunMigrationsStopsAtAFailure(t *testing.T) {
	e, err := rules.NewEngine(rules.WithExecutors(constant("APPEND", nil, errors.New("boom"))))
	if err != nil {
		t.Fatal(err)
	}
	h := &history{migrations: map[int][]rules.Rule{2: {migrationRule("a2", rules.Upgrade)}, 3: {migrationRule("a3", rules.Upgrade)}}}
	plan, err := rules.Migrations(context.Background(), "s-value", h.version(1), h.version(3), h.fetch)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rules.RunMigrations(&rules.Context{Context: context.Background()}, e, plan, "m")
	var re *rules.Error
	if !errors.As(err, &re) || re.Rule != "a2" {
		t.Fatalf("error %v, want rule a2's failure", err)
	}
}
