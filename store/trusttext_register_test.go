package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/accord-registry/accord/compat"
)

// openTrusting opens a store that trusts the text of the shared log m, after the records recs
// were written to it by another writer, and waits until it has read them.
func openTrusting(t *testing.T, level compat.Level, recs ...Record) *Store {
	t.Helper()
	m := newMemShared()
	m.add(recs, true)
	return openMemSharedWith(t, Config{Shared: m, TrustSchemaText: true, DefaultLevel: level})
}

// schemaRecord is the SCHEMA record of subject version num with the given id and text.
func schemaRecord(subject string, num, id int, text string) Record {
	n, i := itoa(num), itoa(id)
	return Record{Key: []byte(`{"keytype":"SCHEMA","subject":"` + subject + `","version":` + n + `,"magic":1}`),
		Value: []byte(`{"subject":"` + subject + `","version":` + n + `,"id":` + i + `,"schema":` + text + `,"deleted":false}`)}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRegisterParsesOnlyWhatTheLevelCompares: a registration, and a compatibility check,
// parse only the stored versions their level compares, as Confluent's checkers read the
// previous versions lazily: under NONE none, under a non-transitive level the latest. So a
// subject whose older versions, or under NONE whose latest, a trusted topic brought as text
// that does not parse still takes new versions; a transitive level still fails naming the
// stored version.
func TestRegisterParsesOnlyWhatTheLevelCompares(t *testing.T) {
	ctx := context.Background()
	const junk = `"{{not a schema"`
	const v1 = `"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"`
	const v2 = `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}`
	cases := []struct {
		name    string
		level   compat.Level
		recs    []Record
		wantErr string
	}{
		{"latest junk under NONE", compat.LevelNone, []Record{schemaRecord("s", 1, 500, junk)}, ""},
		{"older junk under BACKWARD", compat.LevelBackward, []Record{schemaRecord("s", 1, 500, junk), schemaRecord("s", 2, 501, v1)}, ""},
		{"older junk under FULL", compat.LevelFull, []Record{schemaRecord("s", 1, 500, junk), schemaRecord("s", 2, 501, v1)}, ""},
		{"older junk under BACKWARD_TRANSITIVE", compat.LevelBackwardTransitive, []Record{schemaRecord("s", 1, 500, junk), schemaRecord("s", 2, 501, v1)},
			"Stored schema s version 1 (id 500) does not parse"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openTrusting(t, c.level, c.recs...)
			req := SchemaRequest{Schema: v2, Type: compat.TypeAvro, ID: -1}
			for _, version := range []int{0, Latest} {
				res, err := s.CheckCompatibility(ctx, "s", req, CheckOptions{Version: version})
				if c.wantErr == "" && (err != nil || !res.Compatible) {
					t.Errorf("compatibility against version %d: %+v, %v; want compatible", version, res, err)
				}
				if c.wantErr != "" && version == 0 && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
					t.Errorf("compatibility against every version: %+v, %v; want %q", res, err, c.wantErr)
				}
			}
			got, err := s.Register(ctx, "s", req, false)
			var e *Error
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("register: %v; want registered", err)
			case c.wantErr == "" && got.Version != len(c.recs)+1:
				t.Errorf("registered as version %d; want %d", got.Version, len(c.recs)+1)
			case c.wantErr != "" && (!errors.As(err, &e) || e.Code != CodeInvalidSchema || !strings.Contains(e.Message, c.wantErr)):
				t.Errorf("register: %v; want 42201 %q", err, c.wantErr)
			}
		})
	}
}
