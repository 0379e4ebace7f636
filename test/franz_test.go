package test

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/compat"
)

// Avro schemas of TestFranzSRClient: the text sent (with whitespace and attribute order a
// client might use) and the canonical compact text the registry must store and return.
const (
	franzCommonIn   = `{ "namespace": "com.acme", "type": "record", "name": "Common", "fields": [ { "type": "long", "name": "id" } ] }`
	franzCommon     = `{"type":"record","name":"Common","namespace":"com.acme","fields":[{"name":"id","type":"long"}]}`
	franzOrderV1In  = `{"type": "record", "name": "Order", "namespace": "com.acme", "fields": [{"name": "common", "type": "com.acme.Common"}, {"name": "total", "type": "double"}]}`
	franzOrderV1    = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"common","type":"Common"},{"name":"total","type":"double"}]}`
	franzOrderV2    = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"common","type":"Common"},{"name":"total","type":"double"},{"name":"note","type":["null","string"],"default":null}]}`
	franzOrderBad   = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"common","type":"Common"},{"name":"total","type":"double"},{"name":"note","type":["null","string"],"default":null},{"name":"qty","type":"int"}]}`
	franzOrderGood  = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"common","type":"Common"},{"name":"total","type":"double"},{"name":"note","type":["null","string"],"default":null},{"name":"qty","type":"int","default":1}]}`
	franzOrderV1Res = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"common","type":{"type":"record","name":"Common","fields":[{"name":"id","type":"long"}]}},{"name":"total","type":"double"}]}`
	franzImported   = `{"type":"record","name":"Imported","fields":[{"name":"a","type":"string"}]}`
	franzAfter      = `{"type":"record","name":"After","fields":[{"name":"a","type":"string"}]}`
	franzLonely     = `{"type":"record","name":"Lonely","fields":[{"name":"b","type":"boolean"}]}`
	franzCtx        = `{"type":"record","name":"InContext","fields":[{"name":"c","type":"int"}]}`
)

// TestFranzSRClient drives the server through every call of franz-go's sr client (the Go
// client Confluent users have) and checks the answers to the field: ids, versions, canonical
// text, GUIDs, references, config, mode, contexts, and that every error the server returns
// maps to the right typed sr error.
func TestFranzSRClient(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOptions{})
	cl, err := sr.NewClient(sr.URLs(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	commonRef := []sr.SchemaReference{{Name: "com.acme.Common", Subject: "franz-common", Version: 1}}
	common := sr.SubjectSchema{Subject: "franz-common", Version: 1, ID: 1, GUID: franzGUID(franzCommon, nil),
		Schema: sr.Schema{Schema: franzCommon}}
	orderV1 := sr.SubjectSchema{Subject: "franz-order", Version: 1, ID: 2, GUID: franzGUID(franzOrderV1, commonRef),
		Schema: sr.Schema{Schema: franzOrderV1, References: commonRef}}
	orderV2 := sr.SubjectSchema{Subject: "franz-order", Version: 2, ID: 3, GUID: franzGUID(franzOrderV2, commonRef),
		Schema: sr.Schema{Schema: franzOrderV2, References: commonRef}}

	t.Run("guid helper", func(t *testing.T) {
		// A worked example: Confluent's GUID of this schema.
		got := franzGUID(`{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}`, nil)
		if want := "b040db4b-fdae-23ea-4a07-95f3973b98c8"; got != want {
			t.Fatalf("franzGUID = %s, want %s", got, want)
		}
	})

	t.Run("SupportedTypes", func(t *testing.T) {
		got, err := cl.SupportedTypes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var want []sr.SchemaType
		for _, typ := range compat.SupportedTypes() {
			var st sr.SchemaType
			if err := st.UnmarshalText([]byte(typ)); err != nil {
				t.Fatal(err)
			}
			want = append(want, st)
		}
		sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
		if diff := cmp.Diff(want, got); diff != "" || !slices.Contains(got, sr.TypeAvro) {
			t.Errorf("SupportedTypes (-want +got):\n%s", diff)
		}
	})

	t.Run("empty registry", func(t *testing.T) {
		subjects, err := cl.Subjects(ctx)
		if err != nil || len(subjects) != 0 {
			t.Errorf("Subjects = %v, %v; want [], nil", subjects, err)
		}
		all, err := cl.AllSchemas(ctx)
		if err != nil || len(all) != 0 {
			t.Errorf("AllSchemas = %v, %v; want [], nil", all, err)
		}
		contexts, err := cl.Contexts(ctx)
		if err != nil || !slices.Equal(contexts, []string{"."}) {
			t.Errorf("Contexts = %v, %v; want [.]", contexts, err)
		}
	})

	t.Run("CreateSchema", func(t *testing.T) {
		got, err := cl.CreateSchema(ctx, "franz-common", sr.Schema{Schema: franzCommonIn})
		wantSchema(t, "CreateSchema(franz-common)", got, err, common)
		// The same schema again is the same version; in another subject it keeps its id.
		got, err = cl.CreateSchema(ctx, "franz-common", sr.Schema{Schema: franzCommon, Type: sr.TypeAvro})
		wantSchema(t, "CreateSchema(franz-common) again", got, err, common)
		copied := common
		copied.Subject = "franz-common-copy"
		got, err = cl.CreateSchema(ctx, "franz-common-copy", sr.Schema{Schema: franzCommonIn})
		wantSchema(t, "CreateSchema(franz-common-copy)", got, err, copied)
		// A reference to an Avro named type of another subject: name = the type's full name.
		got, err = cl.CreateSchema(ctx, "franz-order", sr.Schema{Schema: franzOrderV1In, References: commonRef})
		wantSchema(t, "CreateSchema(franz-order v1)", got, err, orderV1)
		got, err = cl.CreateSchema(ctx, "franz-order", sr.Schema{Schema: franzOrderV2, References: commonRef})
		wantSchema(t, "CreateSchema(franz-order v2)", got, err, orderV2)
	})

	t.Run("RegisterSchema", func(t *testing.T) {
		// Re-registering an older version's schema answers that version's id, no new version.
		id, err := cl.RegisterSchema(ctx, "franz-order", sr.Schema{Schema: franzOrderV1, References: commonRef}, -1, -1)
		if err != nil || id != 2 {
			t.Errorf("RegisterSchema(franz-order, v1) = %d, %v; want 2", id, err)
		}
		versions, err := cl.SubjectVersions(ctx, "franz-order")
		if err != nil || !slices.Equal(versions, []int{1, 2}) {
			t.Errorf("SubjectVersions(franz-order) = %v, %v; want [1 2]", versions, err)
		}
	})

	t.Run("LookupSchema", func(t *testing.T) {
		got, err := cl.LookupSchema(ctx, "franz-order", sr.Schema{Schema: franzOrderV1In, References: commonRef})
		wantSchema(t, "LookupSchema(franz-order, v1)", got, err, orderV1)
		got, err = cl.LookupSchema(ctx, "franz-common-copy", sr.Schema{Schema: franzCommonIn})
		want := common
		want.Subject = "franz-common-copy"
		wantSchema(t, "LookupSchema(franz-common-copy)", got, err, want)
		_, err = cl.LookupSchema(ctx, "franz-common", sr.Schema{Schema: franzLonely})
		wantSRError(t, "LookupSchema(unregistered schema)", err, sr.ErrSchemaNotFound)
		_, err = cl.LookupSchema(ctx, "franz-nope", sr.Schema{Schema: franzCommon})
		wantSRError(t, "LookupSchema(unknown subject)", err, sr.ErrSubjectNotFound)
	})

	t.Run("SchemaByID", func(t *testing.T) {
		for _, want := range []sr.SubjectSchema{common, orderV1, orderV2} {
			got, err := cl.SchemaByID(ctx, want.ID)
			if err != nil {
				t.Errorf("SchemaByID(%d): %v", want.ID, err)
				continue
			}
			if diff := cmp.Diff(want.Schema, got); diff != "" {
				t.Errorf("SchemaByID(%d) (-want +got):\n%s", want.ID, diff)
			}
			text, err := cl.SchemaTextByID(ctx, want.ID)
			if err != nil || text != want.Schema.Schema {
				t.Errorf("SchemaTextByID(%d) = %q, %v; want %q", want.ID, text, err, want.Schema.Schema)
			}
		}
		got, err := cl.SchemaByID(sr.WithParams(ctx, sr.Format("resolved")), 2)
		if err != nil || got.Schema != franzOrderV1Res {
			t.Errorf("SchemaByID(2, format=resolved) = %q, %v; want %q", got.Schema, err, franzOrderV1Res)
		}
		_, err = cl.SchemaByID(ctx, 999)
		wantSRError(t, "SchemaByID(999)", err, sr.ErrSchemaNotFound)
		_, err = cl.SchemaTextByID(ctx, 999)
		wantSRError(t, "SchemaTextByID(999)", err, sr.ErrSchemaNotFound)
	})

	t.Run("SchemaByGUID", func(t *testing.T) {
		got, err := cl.SchemaByGUID(ctx, orderV1.GUID)
		want := sr.SubjectSchema{GUID: orderV1.GUID, Schema: orderV1.Schema}
		wantSchema(t, "SchemaByGUID(order v1)", got, err, want)
		ids, err := cl.SchemaIDsByGUID(ctx, common.GUID)
		if diff := cmp.Diff([]sr.ContextID{{Context: ".", ID: 1}}, ids); err != nil || diff != "" {
			t.Errorf("SchemaIDsByGUID(common) = %v (-want +got):\n%s", err, diff)
		}
		_, err = cl.SchemaByGUID(ctx, "00000000-0000-0000-0000-000000000000")
		wantSRError(t, "SchemaByGUID(unknown)", err, sr.ErrSchemaNotFound)
	})

	t.Run("SchemaByVersion", func(t *testing.T) {
		for _, tc := range []struct {
			subject string
			version int
			want    sr.SubjectSchema
		}{
			{"franz-common", 1, common},
			{"franz-common", -1, common},
			{"franz-order", 1, orderV1},
			{"franz-order", 2, orderV2},
			{"franz-order", -1, orderV2},
		} {
			got, err := cl.SchemaByVersion(ctx, tc.subject, tc.version)
			wantSchema(t, "SchemaByVersion("+tc.subject+")", got, err, tc.want)
			text, err := cl.SchemaTextByVersion(ctx, tc.subject, tc.version)
			if err != nil || text != tc.want.Schema.Schema {
				t.Errorf("SchemaTextByVersion(%s, %d) = %q, %v; want %q", tc.subject, tc.version, text, err, tc.want.Schema.Schema)
			}
		}
		got, err := cl.SchemaByVersion(sr.WithParams(ctx, sr.Format("resolved")), "franz-order", 1)
		if err != nil || got.Schema.Schema != franzOrderV1Res {
			t.Errorf("SchemaByVersion(franz-order, 1, format=resolved) = %q, %v; want %q", got.Schema.Schema, err, franzOrderV1Res)
		}
		_, err = cl.SchemaByVersion(ctx, "franz-order", 3)
		wantSRError(t, "SchemaByVersion(franz-order, 3)", err, sr.ErrVersionNotFound)
		_, err = cl.SchemaByVersion(ctx, "franz-order", 0)
		wantSRError(t, "SchemaByVersion(franz-order, 0)", err, sr.ErrInvalidVersion)
		_, err = cl.SchemaByVersion(ctx, "franz-nope", 1)
		wantSRError(t, "SchemaByVersion(franz-nope, 1)", err, sr.ErrSubjectNotFound)
		_, err = cl.SchemaTextByVersion(ctx, "franz-nope", -1)
		wantSRError(t, "SchemaTextByVersion(franz-nope, latest)", err, sr.ErrSubjectNotFound)
	})

	t.Run("Schemas", func(t *testing.T) {
		got, err := cl.Schemas(ctx, "franz-order")
		wantSchemas(t, "Schemas(franz-order)", got, err, []sr.SubjectSchema{orderV1, orderV2})
		copied := common
		copied.Subject = "franz-common-copy"
		got, err = cl.AllSchemas(ctx)
		wantSchemas(t, "AllSchemas", got, err, []sr.SubjectSchema{common, copied, orderV1, orderV2})
		got, err = cl.AllSchemas(sr.WithParams(ctx, sr.LatestOnly))
		wantSchemas(t, "AllSchemas(latestOnly)", got, err, []sr.SubjectSchema{common, copied, orderV2})
		got, err = cl.AllSchemas(sr.WithParams(ctx, sr.SubjectPrefix("franz-common")))
		wantSchemas(t, "AllSchemas(subjectPrefix=franz-common)", got, err, []sr.SubjectSchema{common, copied})
		got, err = cl.AllSchemas(sr.WithParams(ctx, sr.Offset(1), sr.Limit(2)))
		wantSchemas(t, "AllSchemas(offset=1, limit=2)", got, err, []sr.SubjectSchema{copied, orderV1})
		_, err = cl.Schemas(ctx, "franz-nope")
		wantSRError(t, "Schemas(franz-nope)", err, sr.ErrSubjectNotFound)
	})

	t.Run("Subjects", func(t *testing.T) {
		for _, tc := range []struct {
			params []sr.Param
			want   []string
		}{
			{nil, []string{"franz-common", "franz-common-copy", "franz-order"}},
			{[]sr.Param{sr.SubjectPrefix("franz-common")}, []string{"franz-common", "franz-common-copy"}},
			{[]sr.Param{sr.Offset(1), sr.Limit(1)}, []string{"franz-common-copy"}},
			{[]sr.Param{sr.DeletedOnly}, []string{}},
		} {
			got, err := cl.Subjects(sr.WithParams(ctx, tc.params...))
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("Subjects(%v) = %q, %v; want %q", tc.params, got, err, tc.want)
			}
		}
		versions, err := cl.SubjectVersions(ctx, "franz-nope")
		wantSRError(t, "SubjectVersions(franz-nope)", err, sr.ErrSubjectNotFound)
		if versions != nil {
			t.Errorf("SubjectVersions(franz-nope) = %v, want nil", versions)
		}
	})

	t.Run("by id", func(t *testing.T) {
		subjects, err := cl.SubjectsByID(ctx, 1)
		if err != nil || !slices.Equal(subjects, []string{"franz-common", "franz-common-copy"}) {
			t.Errorf("SubjectsByID(1) = %q, %v", subjects, err)
		}
		versions, err := cl.SchemaVersionsByID(ctx, 1)
		wantSV := []sr.SubjectVersion{{Subject: "franz-common", Version: 1}, {Subject: "franz-common-copy", Version: 1}}
		if diff := cmp.Diff(wantSV, versions); err != nil || diff != "" {
			t.Errorf("SchemaVersionsByID(1) = %v (-want +got):\n%s", err, diff)
		}
		copied := common
		copied.Subject = "franz-common-copy"
		usages, err := cl.SchemaUsagesByID(ctx, 1)
		wantSchemas(t, "SchemaUsagesByID(1)", sortSchemas(usages), err, []sr.SubjectSchema{common, copied})
		_, err = cl.SubjectsByID(ctx, 999)
		wantSRError(t, "SubjectsByID(999)", err, sr.ErrSchemaNotFound)
		_, err = cl.SchemaVersionsByID(ctx, 999)
		wantSRError(t, "SchemaVersionsByID(999)", err, sr.ErrSchemaNotFound)
	})

	t.Run("SchemaReferences", func(t *testing.T) {
		got, err := cl.SchemaReferences(ctx, "franz-common", 1)
		wantSchemas(t, "SchemaReferences(franz-common, 1)", sortSchemas(got), err, []sr.SubjectSchema{orderV1, orderV2})
		got, err = cl.SchemaReferences(ctx, "franz-order", -1)
		if err != nil || len(got) != 0 {
			t.Errorf("SchemaReferences(franz-order, latest) = %v, %v; want none", got, err)
		}
		_, err = cl.SchemaReferences(ctx, "franz-common", 7)
		wantSRError(t, "SchemaReferences(franz-common, 7)", err, sr.ErrVersionNotFound)
		// A referenced version cannot be deleted.
		err = cl.DeleteSchema(ctx, "franz-common", 1, sr.SoftDelete)
		wantSRError(t, "DeleteSchema(referenced franz-common v1)", err, sr.ErrReferenceExists)
		_, err = cl.DeleteSubject(ctx, "franz-common", sr.SoftDelete)
		wantSRError(t, "DeleteSubject(referenced franz-common)", err, sr.ErrReferenceExists)
	})

	t.Run("CheckCompatibility", func(t *testing.T) {
		bad := sr.Schema{Schema: franzOrderBad, References: commonRef}
		good := sr.Schema{Schema: franzOrderGood, References: commonRef}
		for _, tc := range []struct {
			name    string
			version int
			schema  sr.Schema
			want    bool
		}{
			{"latest, missing default", -1, bad, false},
			{"all, missing default", -2, bad, false},
			{"v1, missing default", 1, bad, false},
			{"latest, with default", -1, good, true},
			{"all, with default", -2, good, true},
			{"v1, with default", 1, good, true},
		} {
			got, err := cl.CheckCompatibility(ctx, "franz-order", tc.version, tc.schema)
			want := sr.CheckCompatibilityResult{Is: tc.want}
			if diff := cmp.Diff(want, got); err != nil || diff != "" {
				t.Errorf("CheckCompatibility(%s) = %v (-want +got):\n%s", tc.name, err, diff)
			}
		}
		got, err := cl.CheckCompatibility(sr.WithParams(ctx, sr.Verbose), "franz-order", -1, bad)
		if err != nil || got.Is || len(got.Messages) != 4 {
			t.Fatalf("CheckCompatibility(verbose) = %+v, %v; want incompatible with 4 messages", got, err)
		}
		if !strings.Contains(got.Messages[0], "READER_FIELD_MISSING_DEFAULT_VALUE") || !strings.Contains(got.Messages[0], "qty") {
			t.Errorf("verbose message[0] = %q, want a READER_FIELD_MISSING_DEFAULT_VALUE about qty", got.Messages[0])
		}
		wantTail := []string{"{oldSchemaVersion: 2}", "{oldSchema: '" + franzOrderV2 + "'}", "{validateFields: 'false', compatibility: 'BACKWARD'}"}
		if diff := cmp.Diff(wantTail, got.Messages[1:]); diff != "" {
			t.Errorf("verbose messages[1:] (-want +got):\n%s", diff)
		}
		got, err = cl.CheckCompatibility(sr.WithParams(ctx, sr.Verbose), "franz-order", -1, good)
		if diff := cmp.Diff(sr.CheckCompatibilityResult{Is: true, Messages: []string{}}, got); err != nil || diff != "" {
			t.Errorf("CheckCompatibility(verbose, compatible) = %v (-want +got):\n%s", err, diff)
		}
		_, err = cl.CheckCompatibility(ctx, "franz-order", 9, good)
		wantSRError(t, "CheckCompatibility(franz-order, 9)", err, sr.ErrVersionNotFound)
		// latest of an unknown subject is compatible with anything.
		got, err = cl.CheckCompatibility(ctx, "franz-nope", -1, good)
		if err != nil || !got.Is {
			t.Errorf("CheckCompatibility(franz-nope, latest) = %+v, %v; want compatible", got, err)
		}
		_, err = cl.CheckCompatibility(ctx, "franz-order", -1, sr.Schema{Schema: `{"type":"record"`})
		wantSRError(t, "CheckCompatibility(unparsable)", err, sr.ErrInvalidSchema)
		_, err = cl.CreateSchema(ctx, "franz-order", bad)
		wantSRError(t, "CreateSchema(incompatible)", err, sr.ErrIncompatibleSchema)
	})

	t.Run("Compatibility", func(t *testing.T) {
		wantCompat(t, "Compatibility(global)", cl.Compatibility(ctx), []sr.CompatibilityResult{{Level: sr.CompatBackward}})
		got := cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatFull, Normalize: true}, "franz-order")
		wantCompat(t, "SetCompatibility(franz-order)", got, []sr.CompatibilityResult{{Subject: "franz-order", Level: sr.CompatFull, Normalize: true}})
		got = cl.Compatibility(ctx, "franz-order", "franz-common", "")
		wantCompat(t, "Compatibility(franz-order, franz-common, global)", got, []sr.CompatibilityResult{
			{Subject: "franz-order", Level: sr.CompatFull, Normalize: true},
			{Subject: "franz-common", Err: sr.ErrSubjectLevelCompatibilityNotConfigured},
			{Level: sr.CompatBackward},
		})
		got = cl.Compatibility(sr.WithParams(ctx, sr.DefaultToGlobal), "franz-common")
		wantCompat(t, "Compatibility(franz-common, defaultToGlobal)", got, []sr.CompatibilityResult{{Subject: "franz-common", Level: sr.CompatBackward}})

		got = cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatForwardTransitive})
		wantCompat(t, "SetCompatibility(global)", got, []sr.CompatibilityResult{{Level: sr.CompatForwardTransitive}})
		got = cl.Compatibility(sr.WithParams(ctx, sr.DefaultToGlobal), "franz-common")
		wantCompat(t, "Compatibility(franz-common, defaultToGlobal) after global change", got,
			[]sr.CompatibilityResult{{Subject: "franz-common", Level: sr.CompatForwardTransitive}})

		// DELETE /config answers Confluent's Config entity (compatibilityLevel), which franz-go
		// decodes as a SetCompatibility (compatibility): the level it reports is always unset.
		for _, subject := range []string{"franz-order", ""} {
			res := cl.ResetCompatibility(ctx, subject)
			if len(res) != 1 || res[0].Err != nil {
				t.Errorf("ResetCompatibility(%q) = %+v", subject, res)
			}
		}
		got = cl.Compatibility(ctx, "franz-order", "")
		wantCompat(t, "Compatibility after reset", got, []sr.CompatibilityResult{
			{Subject: "franz-order", Err: sr.ErrSubjectLevelCompatibilityNotConfigured},
			{Level: sr.CompatBackward},
		})
		got = cl.ResetCompatibility(ctx, "franz-order")
		wantCompat(t, "ResetCompatibility(franz-order) again", got, []sr.CompatibilityResult{{Subject: "franz-order", Err: sr.ErrSubjectNotFound}})
		got = cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone}, "__GLOBAL")
		wantCompat(t, "SetCompatibility(__GLOBAL)", got, []sr.CompatibilityResult{{Subject: "__GLOBAL", Err: sr.ErrInvalidSubject}})
		err := cl.Do(ctx, http.MethodPut, "/config", map[string]string{"compatibility": "SIDEWAYS"}, nil)
		wantSRError(t, "PUT /config SIDEWAYS", err, sr.ErrInvalidCompatibilityLevel)
	})

	t.Run("Mode", func(t *testing.T) {
		wantModes(t, "Mode(global)", cl.Mode(ctx), []sr.ModeResult{{Mode: sr.ModeReadWrite}})
		got := cl.SetMode(ctx, sr.ModeReadOnly, "franz-order")
		wantModes(t, "SetMode(franz-order, READONLY)", got, []sr.ModeResult{{Subject: "franz-order", Mode: sr.ModeReadOnly}})
		got = cl.Mode(ctx, "franz-order", "franz-common")
		wantModes(t, "Mode(franz-order, franz-common)", got, []sr.ModeResult{
			{Subject: "franz-order", Mode: sr.ModeReadOnly},
			{Subject: "franz-common", Err: sr.ErrSubjectLevelModeNotConfigured},
		})
		got = cl.Mode(sr.WithParams(ctx, sr.DefaultToGlobal), "franz-common")
		wantModes(t, "Mode(franz-common, defaultToGlobal)", got, []sr.ModeResult{{Subject: "franz-common", Mode: sr.ModeReadWrite}})

		_, err := cl.CreateSchema(ctx, "franz-order", sr.Schema{Schema: franzOrderGood, References: commonRef})
		wantSRError(t, "CreateSchema(read-only subject)", err, sr.ErrOperationNotPermitted)
		err = cl.DeleteSchema(ctx, "franz-order", 2, sr.SoftDelete)
		wantSRError(t, "DeleteSchema(read-only subject)", err, sr.ErrOperationNotPermitted)
		res := cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone}, "franz-order")
		wantCompat(t, "SetCompatibility(read-only subject)", res, []sr.CompatibilityResult{{Subject: "franz-order", Err: sr.ErrOperationNotPermitted}})

		got = cl.ResetMode(ctx, "franz-order")
		wantModes(t, "ResetMode(franz-order)", got, []sr.ModeResult{{Subject: "franz-order", Mode: sr.ModeReadOnly}})
		got = cl.ResetMode(ctx, "franz-order")
		wantModes(t, "ResetMode(franz-order) again", got, []sr.ModeResult{{Subject: "franz-order", Err: sr.ErrSubjectNotFound}})

		// IMPORT on a scope with live subjects needs force.
		got = cl.SetMode(ctx, sr.ModeImport)
		wantModes(t, "SetMode(global, IMPORT)", got, []sr.ModeResult{{Err: sr.ErrOperationNotPermitted}})
		got = cl.SetMode(sr.WithParams(ctx, sr.Force), sr.ModeImport)
		wantModes(t, "SetMode(global, IMPORT, force)", got, []sr.ModeResult{{Mode: sr.ModeImport}})
		got = cl.ResetMode(ctx)
		wantModes(t, "ResetMode(global)", got, []sr.ModeResult{{Mode: sr.ModeImport}})
		wantModes(t, "Mode(global) after reset", cl.Mode(ctx), []sr.ModeResult{{Mode: sr.ModeReadWrite}})

		err = cl.Do(ctx, http.MethodPut, "/mode/franz-order", map[string]string{"mode": "SIDEWAYS"}, nil)
		wantSRError(t, "PUT /mode SIDEWAYS", err, sr.ErrInvalidMode)
	})

	t.Run("CreateSchemaWithIDAndVersion", func(t *testing.T) {
		_, err := cl.CreateSchemaWithIDAndVersion(ctx, "franz-imported", sr.Schema{Schema: franzImported}, 100, 3)
		wantSRError(t, "CreateSchemaWithIDAndVersion(not importing)", err, sr.ErrOperationNotPermitted)
		got := cl.SetMode(ctx, sr.ModeImport, "franz-imported")
		wantModes(t, "SetMode(franz-imported, IMPORT)", got, []sr.ModeResult{{Subject: "franz-imported", Mode: sr.ModeImport}})
		imported := sr.SubjectSchema{Subject: "franz-imported", Version: 3, ID: 100, GUID: franzGUID(franzImported, nil),
			Schema: sr.Schema{Schema: franzImported}}
		ss, err := cl.CreateSchemaWithIDAndVersion(ctx, "franz-imported", sr.Schema{Schema: franzImported}, 100, 3)
		wantSchema(t, "CreateSchemaWithIDAndVersion(100, 3)", ss, err, imported)
		// IMPORT requires explicit ids; and an id cannot be reused for other content.
		_, err = cl.CreateSchema(ctx, "franz-imported", sr.Schema{Schema: franzAfter})
		wantSRError(t, "CreateSchema(importing subject)", err, sr.ErrOperationNotPermitted)
		_, err = cl.CreateSchemaWithIDAndVersion(ctx, "franz-imported", sr.Schema{Schema: franzAfter}, 100, 4)
		wantSRError(t, "CreateSchemaWithIDAndVersion(reused id 100)", err, sr.ErrOperationNotPermitted)
		id, err := cl.RegisterSchema(ctx, "franz-imported", sr.Schema{Schema: franzImported}, 100, 3)
		if err != nil || id != 100 {
			t.Errorf("RegisterSchema(franz-imported, 100, 3) again = %d, %v; want 100", id, err)
		}
		wantModes(t, "ResetMode(franz-imported)", cl.ResetMode(ctx, "franz-imported"), []sr.ModeResult{{Subject: "franz-imported", Mode: sr.ModeImport}})
		// Back in READWRITE, new ids continue after the imported one.
		ss, err = cl.CreateSchema(ctx, "franz-after", sr.Schema{Schema: franzAfter})
		wantSchema(t, "CreateSchema(franz-after)", ss, err, sr.SubjectSchema{Subject: "franz-after", Version: 1, ID: 101,
			GUID: franzGUID(franzAfter, nil), Schema: sr.Schema{Schema: franzAfter}})
	})

	t.Run("DeleteSchema", func(t *testing.T) {
		err := cl.DeleteSchema(ctx, "franz-order", 2, sr.HardDelete)
		wantSRError(t, "DeleteSchema(franz-order v2, hard, not soft-deleted)", err, sr.ErrSchemaVersionNotSoftDeleted)
		if err := cl.DeleteSchema(ctx, "franz-order", -1, sr.SoftDelete); err != nil {
			t.Fatalf("DeleteSchema(franz-order, latest, soft): %v", err)
		}
		err = cl.DeleteSchema(ctx, "franz-order", 2, sr.SoftDelete)
		wantSRError(t, "DeleteSchema(franz-order v2, soft again)", err, sr.ErrSchemaVersionSoftDeleted)
		versions, err := cl.SubjectVersions(ctx, "franz-order")
		if err != nil || !slices.Equal(versions, []int{1}) {
			t.Errorf("SubjectVersions(franz-order) = %v, %v; want [1]", versions, err)
		}
		versions, err = cl.SubjectVersions(sr.WithParams(ctx, sr.ShowDeleted), "franz-order")
		if err != nil || !slices.Equal(versions, []int{1, 2}) {
			t.Errorf("SubjectVersions(franz-order, deleted) = %v, %v; want [1 2]", versions, err)
		}
		_, err = cl.SchemaByVersion(ctx, "franz-order", 2)
		wantSRError(t, "SchemaByVersion(soft-deleted franz-order v2)", err, sr.ErrVersionNotFound)
		got, err := cl.SchemaByVersion(sr.WithParams(ctx, sr.ShowDeleted), "franz-order", 2)
		wantSchema(t, "SchemaByVersion(franz-order v2, deleted)", got, err, orderV2)
		got, err = cl.SchemaByVersion(ctx, "franz-order", -1)
		wantSchema(t, "SchemaByVersion(franz-order, latest) after delete", got, err, orderV1)
		_, err = cl.LookupSchema(ctx, "franz-order", orderV2.Schema)
		wantSRError(t, "LookupSchema(soft-deleted)", err, sr.ErrSchemaNotFound)
		got, err = cl.LookupSchema(sr.WithParams(ctx, sr.ShowDeleted), "franz-order", orderV2.Schema)
		wantSchema(t, "LookupSchema(soft-deleted, deleted=true)", got, err, orderV2)
		// Soft-deleted ids stay readable.
		schema, err := cl.SchemaByID(ctx, 3)
		if diff := cmp.Diff(orderV2.Schema, schema); err != nil || diff != "" {
			t.Errorf("SchemaByID(3) after soft delete = %v (-want +got):\n%s", err, diff)
		}
		if err := cl.DeleteSchema(ctx, "franz-order", 2, sr.HardDelete); err != nil {
			t.Fatalf("DeleteSchema(franz-order v2, hard): %v", err)
		}
		_, err = cl.SchemaByID(ctx, 3)
		wantSRError(t, "SchemaByID(3) after hard delete", err, sr.ErrSchemaNotFound)
		err = cl.DeleteSchema(ctx, "franz-order", 2, sr.HardDelete)
		wantSRError(t, "DeleteSchema(franz-order v2, hard again)", err, sr.ErrVersionNotFound)
		err = cl.DeleteSchema(ctx, "franz-nope", 1, sr.SoftDelete)
		wantSRError(t, "DeleteSchema(franz-nope)", err, sr.ErrSubjectNotFound)
		err = cl.DeleteSchema(ctx, "franz-order", 0, sr.SoftDelete)
		wantSRError(t, "DeleteSchema(franz-order, 0)", err, sr.ErrInvalidVersion)
	})

	t.Run("DeleteSubject", func(t *testing.T) {
		ss, err := cl.CreateSchema(ctx, "franz-lonely", sr.Schema{Schema: franzLonely})
		lonely := sr.SubjectSchema{Subject: "franz-lonely", Version: 1, ID: 102, GUID: franzGUID(franzLonely, nil), Schema: sr.Schema{Schema: franzLonely}}
		wantSchema(t, "CreateSchema(franz-lonely)", ss, err, lonely)
		_, err = cl.DeleteSubject(ctx, "franz-lonely", sr.HardDelete)
		wantSRError(t, "DeleteSubject(franz-lonely, hard first)", err, sr.ErrSubjectNotSoftDeleted)
		versions, err := cl.DeleteSubject(ctx, "franz-lonely", sr.SoftDelete)
		if err != nil || !slices.Equal(versions, []int{1}) {
			t.Errorf("DeleteSubject(franz-lonely, soft) = %v, %v; want [1]", versions, err)
		}
		_, err = cl.DeleteSubject(ctx, "franz-lonely", sr.SoftDelete)
		wantSRError(t, "DeleteSubject(franz-lonely, soft again)", err, sr.ErrSubjectSoftDeleted)
		for _, tc := range []struct {
			params []sr.Param
			want   []string
		}{
			{nil, []string{"franz-after", "franz-common", "franz-common-copy", "franz-imported", "franz-order"}},
			{[]sr.Param{sr.ShowDeleted}, []string{"franz-after", "franz-common", "franz-common-copy", "franz-imported", "franz-lonely", "franz-order"}},
			{[]sr.Param{sr.DeletedOnly}, []string{"franz-lonely"}},
		} {
			got, err := cl.Subjects(sr.WithParams(ctx, tc.params...))
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("Subjects(%v) = %q, %v; want %q", tc.params, got, err, tc.want)
			}
		}
		_, err = cl.SubjectVersions(ctx, "franz-lonely")
		wantSRError(t, "SubjectVersions(soft-deleted subject)", err, sr.ErrSubjectNotFound)
		got, err := cl.AllSchemas(sr.WithParams(ctx, sr.ShowDeleted, sr.SubjectPrefix("franz-lonely")))
		wantSchemas(t, "AllSchemas(deleted, franz-lonely)", got, err, []sr.SubjectSchema{lonely})
		subjects, err := cl.SubjectsByID(sr.WithParams(ctx, sr.ShowDeleted), 102)
		if err != nil || !slices.Equal(subjects, []string{"franz-lonely"}) {
			t.Errorf("SubjectsByID(102, deleted) = %q, %v", subjects, err)
		}
		subjects, err = cl.SubjectsByID(ctx, 102)
		if err != nil || len(subjects) != 0 {
			t.Errorf("SubjectsByID(102) = %q, %v; want []", subjects, err)
		}
		versions, err = cl.DeleteSubject(ctx, "franz-lonely", sr.HardDelete)
		if err != nil || !slices.Equal(versions, []int{1}) {
			t.Errorf("DeleteSubject(franz-lonely, hard) = %v, %v; want [1]", versions, err)
		}
		_, err = cl.DeleteSubject(ctx, "franz-lonely", sr.HardDelete)
		wantSRError(t, "DeleteSubject(franz-lonely, hard again)", err, sr.ErrSubjectNotFound)
		_, err = cl.SubjectVersions(sr.WithParams(ctx, sr.ShowDeleted), "franz-lonely")
		wantSRError(t, "SubjectVersions(hard-deleted subject, deleted)", err, sr.ErrSubjectNotFound)
		_, err = cl.SchemaByID(ctx, 102)
		wantSRError(t, "SchemaByID(102) after hard delete", err, sr.ErrSchemaNotFound)
		_, err = cl.CreateSchema(ctx, "__GLOBAL", sr.Schema{Schema: franzLonely})
		wantSRError(t, "CreateSchema(__GLOBAL)", err, sr.ErrInvalidSubject)
		_, err = cl.CreateSchema(ctx, "franz-bad", sr.Schema{Schema: `{"type":"record","name":"X","fields":[{"name":"a","type":"nope"}]}`})
		wantSRError(t, "CreateSchema(unknown type)", err, sr.ErrInvalidSchema)
	})

	t.Run("contexts", func(t *testing.T) {
		cctx := sr.InContext(ctx, ".franz")
		inCtx := sr.SubjectSchema{Subject: ":.franz:orders", Version: 1, ID: 1, GUID: franzGUID(franzCtx, nil), Schema: sr.Schema{Schema: franzCtx}}
		ss, err := cl.CreateSchema(cctx, "orders", sr.Schema{Schema: franzCtx})
		wantSchema(t, "CreateSchema(.franz, orders)", ss, err, inCtx)
		// The same content as franz-common gets the context's next id, not the default context's.
		commonInCtx := sr.SubjectSchema{Subject: ":.franz:common", Version: 1, ID: 2, GUID: common.GUID, Schema: common.Schema}
		ss, err = cl.CreateSchema(cctx, "common", sr.Schema{Schema: franzCommon})
		wantSchema(t, "CreateSchema(.franz, common)", ss, err, commonInCtx)

		contexts, err := cl.Contexts(ctx)
		if err != nil || !slices.Equal(contexts, []string{".", ".franz"}) {
			t.Errorf("Contexts = %q, %v; want [. .franz]", contexts, err)
		}
		contexts, err = cl.Contexts(sr.WithParams(ctx, sr.ContextPrefix(".fr")))
		if err != nil || !slices.Equal(contexts, []string{".franz"}) {
			t.Errorf("Contexts(contextPrefix=.fr) = %q, %v; want [.franz]", contexts, err)
		}
		subjects, err := cl.Subjects(cctx)
		if err != nil || !slices.Equal(subjects, []string{":.franz:common", ":.franz:orders"}) {
			t.Errorf("Subjects(.franz) = %q, %v", subjects, err)
		}
		subjects, err = cl.Subjects(ctx)
		if err != nil || !slices.Contains(subjects, ":.franz:orders") || !slices.Contains(subjects, "franz-common") {
			t.Errorf("Subjects() = %q, %v; want every context", subjects, err)
		}
		// Ids resolve in the client's context.
		schema, err := cl.SchemaByID(cctx, 1)
		if diff := cmp.Diff(inCtx.Schema, schema); err != nil || diff != "" {
			t.Errorf("SchemaByID(.franz, 1) = %v (-want +got):\n%s", err, diff)
		}
		schema, err = cl.SchemaByID(ctx, 1)
		if diff := cmp.Diff(common.Schema, schema); err != nil || diff != "" {
			t.Errorf("SchemaByID(., 1) = %v (-want +got):\n%s", err, diff)
		}
		ids, err := cl.SchemaIDsByGUID(ctx, common.GUID)
		if diff := cmp.Diff([]sr.ContextID{{Context: ".", ID: 1}, {Context: ".franz", ID: 2}}, ids); err != nil || diff != "" {
			t.Errorf("SchemaIDsByGUID(common) = %v (-want +got):\n%s", err, diff)
		}
		got, err := cl.SchemaByVersion(cctx, "orders", -1)
		wantSchema(t, "SchemaByVersion(.franz, orders, latest)", got, err, inCtx)
		got, err = cl.LookupSchema(cctx, "orders", sr.Schema{Schema: franzCtx})
		wantSchema(t, "LookupSchema(.franz, orders)", got, err, inCtx)
		all, err := cl.AllSchemas(cctx)
		wantSchemas(t, "AllSchemas(.franz)", all, err, []sr.SubjectSchema{commonInCtx, inCtx})

		// A client whose default context is .franz sees the same.
		ctxCl, err := sr.NewClient(sr.URLs(s.URL), sr.DefaultSchemaContext(".franz"))
		if err != nil {
			t.Fatal(err)
		}
		versions, err := ctxCl.SubjectVersions(ctx, "orders")
		if err != nil || !slices.Equal(versions, []int{1}) {
			t.Errorf("SubjectVersions(default context .franz, orders) = %v, %v; want [1]", versions, err)
		}
		res := ctxCl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone})
		wantCompat(t, "SetCompatibility(context .franz)", res, []sr.CompatibilityResult{{Level: sr.CompatNone}})
		wantCompat(t, "Compatibility(:.franz:)", cl.Compatibility(ctx, ":.franz:"), []sr.CompatibilityResult{{Subject: ":.franz:", Level: sr.CompatNone}})
		wantCompat(t, "Compatibility(global) unchanged", cl.Compatibility(ctx), []sr.CompatibilityResult{{Level: sr.CompatBackward}})
		wantModes(t, "SetMode(context .franz)", ctxCl.SetMode(ctx, sr.ModeReadOnly), []sr.ModeResult{{Mode: sr.ModeReadOnly}})
		_, err = cl.CreateSchema(cctx, "orders", sr.Schema{Schema: franzAfter})
		wantSRError(t, "CreateSchema(read-only context)", err, sr.ErrOperationNotPermitted)
		wantModes(t, "ResetMode(context .franz)", ctxCl.ResetMode(ctx), []sr.ModeResult{{Mode: sr.ModeReadOnly}})
		wantCompat(t, "ResetCompatibility(context .franz)", ctxCl.ResetCompatibility(ctx), []sr.CompatibilityResult{{}})

		err = cl.DeleteContext(ctx, ".franz")
		wantSRError(t, "DeleteContext(.franz, not empty)", err, sr.ErrContextNotEmpty)
		for _, subject := range []string{"orders", "common"} {
			for _, how := range []sr.DeleteHow{sr.SoftDelete, sr.HardDelete} {
				if versions, err := cl.DeleteSubject(cctx, subject, how); err != nil || !slices.Equal(versions, []int{1}) {
					t.Errorf("DeleteSubject(.franz, %s, %v) = %v, %v; want [1]", subject, how, versions, err)
				}
			}
		}
		if err := cl.DeleteContext(ctx, ".franz"); err != nil {
			t.Errorf("DeleteContext(.franz): %v", err)
		}
		contexts, err = cl.Contexts(ctx)
		if err != nil || !slices.Equal(contexts, []string{"."}) {
			t.Errorf("Contexts after delete = %q, %v; want [.]", contexts, err)
		}
	})

	t.Run("failover", func(t *testing.T) {
		// The client tries its URLs in order; a dead first one is skipped.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dead := "http://" + ln.Addr().String()
		ln.Close()
		fo, err := sr.NewClient(sr.URLs(dead, s.URL))
		if err != nil {
			t.Fatal(err)
		}
		got, err := fo.SchemaByVersion(ctx, "franz-common", 1)
		wantSchema(t, "SchemaByVersion via failover", got, err, common)
	})

	t.Run("unknown route", func(t *testing.T) {
		err := cl.Do(ctx, http.MethodGet, "/nope", nil, nil)
		var re *sr.ResponseError
		if !errors.As(err, &re) || re.StatusCode != http.StatusNotFound || re.ErrorCode != 404 || re.SchemaError() != sr.ErrUnknown {
			t.Errorf("GET /nope = %#v, want 404 with error_code 404 (ErrUnknown)", err)
		}
	})
}

// franzGUID is the GUID Confluent gives a schema without metadata or rule set: the MD5 of its
// canonical text and references, formatted as a UUID.
func franzGUID(text string, refs []sr.SchemaReference) string {
	h := md5.New()
	h.Write([]byte(text))
	for _, r := range refs {
		h.Write([]byte(r.Name))
		h.Write([]byte(r.Subject))
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(r.Version)))
	}
	x := hex.EncodeToString(h.Sum(nil))
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

func wantSchema(t *testing.T, what string, got sr.SubjectSchema, err error, want sr.SubjectSchema) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func wantSchemas(t *testing.T, what string, got []sr.SubjectSchema, err error, want []sr.SubjectSchema) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func sortSchemas(ss []sr.SubjectSchema) []sr.SubjectSchema {
	sort.Slice(ss, func(i, j int) bool {
		return ss[i].Subject < ss[j].Subject || ss[i].Subject == ss[j].Subject && ss[i].Version < ss[j].Version
	})
	return ss
}

// wantSRError checks that err is the registry's answer with want's error code, that the HTTP
// status is the one the code implies, and that franz-go maps it to want.
func wantSRError(t *testing.T, what string, err error, want *sr.Error) {
	t.Helper()
	var re *sr.ResponseError
	if !errors.As(err, &re) {
		t.Errorf("%s: error %v, want a ResponseError with code %d (%s)", what, err, want.Code, want.Name)
		return
	}
	status := want.Code
	for status >= 1000 {
		status /= 10
	}
	if re.ErrorCode != want.Code || re.StatusCode != status || re.SchemaError() != want {
		t.Errorf("%s: HTTP %d error_code %d (%v), want HTTP %d error_code %d (%s); message %q",
			what, re.StatusCode, re.ErrorCode, re.SchemaError().Name, status, want.Code, want.Name, re.Message)
	}
	if re.Message == "" {
		t.Errorf("%s: error without message: %s", what, re.Raw)
	}
}

// wantCompat compares compatibility results; Err is compared by the sr error it maps to.
func wantCompat(t *testing.T, what string, got, want []sr.CompatibilityResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d results, want %d: %+v", what, len(got), len(want), got)
		return
	}
	for i := range want {
		g, w := got[i], want[i]
		checkResultErr(t, what, g.Err, w.Err)
		if w.Err != nil {
			continue // a failed SetCompatibility reports the requested values
		}
		g.Err, w.Err = nil, nil
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s[%d] (-want +got):\n%s", what, i, diff)
		}
	}
}

func wantModes(t *testing.T, what string, got, want []sr.ModeResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d results, want %d: %+v", what, len(got), len(want), got)
		return
	}
	for i := range want {
		g, w := got[i], want[i]
		checkResultErr(t, what, g.Err, w.Err)
		if w.Err != nil {
			continue // the zero Mode of a failed call is franz-go's IMPORT
		}
		g.Err, w.Err = nil, nil
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s[%d] (-want +got):\n%s", what, i, diff)
		}
	}
}

func checkResultErr(t *testing.T, what string, got, want error) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s: unexpected error %v", what, got)
	case want != nil:
		var se *sr.Error
		errors.As(want, &se)
		wantSRError(t, what, got, se)
	}
}
