package serde

import (
	"context"
	"fmt"

	"github.com/accord-registry/accord/serde/rules"
)

// A deserializer that reads as a version of its own ([UseLatest], [UseLatestWithMetadata])
// migrates the records written with another version of the subject, as Confluent's
// deserializers do (Serde.GetMigrations and ExecuteMigrations in its Go client): it places
// the writer's schema among the subject's versions (POST /subjects/{subject}?deleted=true),
// plans the steps between the two versions ([rules.Migrations]), and, when there are any,
// decodes the record with the writer's schema into a JSON-like tree, runs the migration
// rules of each step on it, and reads the result as the reader's version. The format
// packages do the decoding and reading; this file finds and runs the steps.
//
// Planning costs requests (the lookup, and the versions between the two), so a plan is kept
// per subject, writer schema and reader version: the records after the first pay a map
// lookup, and none when the deserializer reads as no version of its own.

// Migration is what records written with one schema need to be read as the reader's version
// of their subject: the steps between the two versions, each with migration rules for its
// direction; none when the record is of the reader's version, or no version between has
// migration rules for the direction.
type Migration struct {
	Subject string
	// Reader is the version the records are read as: the format packages read the migrated
	// tree with its schema.
	Reader Registered
	Steps  []rules.MigrationStep
}

// migrationKey names a migration plan: the writer's schema and the reader's version, in a
// subject.
type migrationKey struct {
	subject string
	writer  SchemaID
	reader  int32
}

// Migrates reports whether records read with rr may need migrating: a runner is configured
// and the deserializer reads as a version of its own. Format packages call
// [Reader.Migration] only then.
func (rr *ReadRules) Migrates() bool { return rr != nil && rr.migrates }

// Migration returns the migration a record read with rr needs to the reader's version, nil
// when the deserializer reads as no version of its own. [Migration.Needed] says whether the
// record must be migrated ([Reader.Migrate]) or decoded as it is; either way, the reader
// version's domain rules run next ([Reader.RunDomainAs], [ReadDomainAs], which spare a
// second lookup of that version). It asks the registry only the first time a subject,
// writer schema and reader version meet.
func (r *Reader) Migration(ctx context.Context, rr *ReadRules) (*Migration, error) {
	if !rr.Migrates() {
		return nil, nil
	}
	_, subject, err := r.subject(ctx, rr)
	if err != nil {
		return nil, err
	}
	reader, err := r.readerVersion(ctx, subject)
	if err != nil {
		return nil, err
	}
	key := migrationKey{subject: subject, writer: rr.id, reader: reader.ID}
	m, ok := r.migrations.Load(key)
	if !ok {
		if m, err = r.planMigration(ctx, subject, rr, reader); err != nil {
			return nil, err
		}
		r.migrations.Store(key, m)
	}
	return m, nil
}

// Needed reports whether records must be migrated: there are steps to run.
func (m *Migration) Needed() bool { return m != nil && len(m.Steps) > 0 }

// planMigration finds the writer's version in subject and the steps from it to reader.
func (r *Reader) planMigration(ctx context.Context, subject string, rr *ReadRules, reader Registered) (*Migration, error) {
	m := &Migration{Subject: subject, Reader: reader}
	if sameSchema(rr.id, reader) {
		return m, nil
	}
	found, err := r.client.LookupIncludingDeleted(ctx, subject, rr.schema, rr.writer)
	if err != nil {
		return nil, fmt.Errorf("serde: find the version of subject %q written with schema %v, to migrate its records to version %d: %w", subject, rr.id, reader.Version, err)
	}
	writer := rules.Versioned{Version: found.Version, Info: rr.writer}
	target := rules.Versioned{Version: reader.Version, Info: reader.Info}
	if m.Steps, err = rules.Migrations(ctx, subject, writer, target, r.versionIncludingDeleted); err != nil {
		return nil, err
	}
	return m, nil
}

// sameSchema reports whether the record's schema id names the reader's version: then the
// writer's version is the reader's and nothing migrates, with no lookup.
func sameSchema(id SchemaID, reader Registered) bool {
	if id.IsGUID {
		return reader.HasGUID && reader.GUID == id.GUID
	}
	return reader.ID == id.ID
}

// versionIncludingDeleted is the planner's [rules.VersionFetcher].
func (r *Reader) versionIncludingDeleted(ctx context.Context, subject string, version int) (*rules.SchemaInfo, error) {
	reg, err := r.client.VersionIncludingDeleted(ctx, subject, version)
	return reg.Info, err
}

// Migrate runs m's steps on tree, a record decoded with the writer's schema into the
// JSON-like tree migration rules take (the format packages' ToJSONTree), and
// returns the tree the last step left, for the format package to read as m.Reader's schema.
// The first failing step's error is returned as the rules engine gives it.
func (r *Reader) Migrate(ctx context.Context, m *Migration, tree any) (any, error) {
	topic, err := topicOf(ctx)
	if err != nil {
		return nil, err
	}
	base := &rules.Context{Context: ctx, Subject: m.Subject, Topic: topic, Key: r.cfg.Key}
	return rules.RunMigrations(base, r.cfg.Rules, m.Steps, tree)
}
