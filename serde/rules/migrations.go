package rules

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Versioned is a version of a subject with its schema.
type Versioned struct {
	Version int
	Info    *SchemaInfo
}

// VersionFetcher returns a version of a subject, soft-deleted versions included (the
// registry's GET /subjects/{subject}/versions/{version}?deleted=true).
type VersionFetcher func(ctx context.Context, subject string, version int) (*SchemaInfo, error)

// MigrationStep is one step of a migration path: the rules of one pair of consecutive
// versions, run in Mode (Upgrade or Downgrade) from Source to Target. On Upgrade the
// engine runs Target's migration rules, on Downgrade Source's, last first; either way the
// newer version's.
type MigrationStep struct {
	Mode           Mode
	Source, Target Versioned
}

// Migrations plans the migration of a message written with writer's version of subject to
// reader's, as Confluent's Serde.GetMigrations does: UPGRADE when the writer is older,
// DOWNGRADE when newer, nothing when they are the same version. Every version strictly
// between them is fetched; of each pair of consecutive versions, a step is kept only when
// the newer one has migration rules for the direction (UPGRADE, DOWNGRADE or UPDOWN). An
// upgrade step goes from the older version to the newer; a downgrade step from the newer to
// the older, and the downgrade steps are listed newest first, so that the walk from writer
// to reader undoes the upgrades in reverse.
func Migrations(ctx context.Context, subject string, writer, reader Versioned, fetch VersionFetcher) ([]MigrationStep, error) {
	if writer.Info == nil || reader.Info == nil {
		return nil, errors.New("rules: migrations need the writer's and the reader's schemas")
	}
	mode, first, last := Upgrade, writer, reader
	switch {
	case writer.Version == reader.Version:
		return nil, nil
	case writer.Version > reader.Version:
		mode, first, last = Downgrade, reader, writer
	}
	versions, err := versionsBetween(ctx, subject, first, last, fetch)
	if err != nil {
		return nil, err
	}
	var steps []MigrationStep
	for i := 1; i < len(versions); i++ {
		older, newer := versions[i-1], versions[i]
		if !newer.Info.RuleSet.HasRules(Migration, mode) {
			continue
		}
		step := MigrationStep{Mode: mode, Source: older, Target: newer}
		if mode == Downgrade {
			step.Source, step.Target = newer, older
		}
		steps = append(steps, step)
	}
	if mode == Downgrade {
		slices.Reverse(steps)
	}
	return steps, nil
}

// versionsBetween returns first, every version strictly between, and last, oldest first.
func versionsBetween(ctx context.Context, subject string, first, last Versioned, fetch VersionFetcher) ([]Versioned, error) {
	if fetch == nil && last.Version-first.Version > 1 {
		return nil, fmt.Errorf("rules: versions %d to %d of %s need fetching, and no VersionFetcher was given", first.Version+1, last.Version-1, subject)
	}
	out := make([]Versioned, 0, last.Version-first.Version+1)
	out = append(out, first)
	for v := first.Version + 1; v < last.Version; v++ {
		info, err := fetch(ctx, subject, v)
		if err != nil {
			return nil, fmt.Errorf("rules: fetching version %d of %s for a migration: %w", v, subject, err)
		}
		if info == nil {
			return nil, fmt.Errorf("rules: version %d of %s has no schema", v, subject)
		}
		out = append(out, Versioned{Version: v, Info: info})
	}
	return append(out, last), nil
}

// RunMigrations runs the steps in order on msg, each through r in the migration phase, as
// Confluent's Serde.ExecuteMigrations does, and returns the migrated message. base gives
// what every step shares (the context.Context, subject, topic, key flag, and a field walker
// for the generic tree if field-level migration rules are to run); each step runs with a
// copy of it whose Mode, Source and Target are the step's. The first failing step ends the
// walk with its error.
func RunMigrations(base *Context, r Runner, steps []MigrationStep, msg any) (any, error) {
	for _, s := range steps {
		rc := *base
		rc.Mode, rc.Source, rc.Target = s.Mode, s.Source.Info, s.Target.Info
		var err error
		if msg, err = r.Run(&rc, Migration, msg); err != nil {
			return nil, err
		}
	}
	return msg, nil
}
