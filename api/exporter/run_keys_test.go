package exporter_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/accord-registry/accord/store"
)

// TestExporterCopiesTheKeysOfExportedSubjects: with a DEK Registry, the runner copies the
// KEKs (renamed by kekRenameFormat) and DEKs of the exported subjects, under their
// destination subjects, and follows new DEKs; the keys of subjects it does not export stay
// behind.
func TestExporterCopiesTheKeysOfExportedSubjects(t *testing.T) {
	e := newEnv(t)
	e.keys = openStore(t, "keys")
	ctx := context.Background()
	kms, keyID := "local-kms", "key-1"
	if _, err := e.keys.CreateKek(ctx, store.CreateKek{Name: "k1", KmsType: &kms, KmsKeyID: &keyID}); err != nil {
		t.Fatal(err)
	}
	dek := func(subject string) {
		t.Helper()
		material := "bWF0ZXJpYWw="
		if _, err := e.keys.CreateDek(ctx, "k1", store.CreateDek{Subject: subject, Algorithm: "AES256_GCM", EncryptedKeyMaterial: &material}); err != nil {
			t.Fatal(err)
		}
	}
	e.apply(t, step{"POST", "/subjects/orders-value/versions", `{"schema":"\"int\""}`},
		step{"POST", "/subjects/payments-value/versions", `{"schema":"\"long\""}`},
		step{"POST", "/subjects/other/versions", `{"schema":"\"string\""}`})
	dek("orders-value")
	dek("other")
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"orders-value", "payments-value"}, KekRenameFormat: "dr_${kek}"})
	e.run(t)
	e.caughtUp(t, "dr")
	if got := destDekSubjects(t, e); !slices.Equal(got, []string{":.src:orders-value"}) {
		t.Errorf("DEK subjects of dr_k1 on the destination: %v, want [:.src:orders-value]", got)
	}
	dek("payments-value")
	eventually(t, "the new DEK to be copied", func() bool { return len(destDekSubjects(t, e)) == 2 },
		func() string { return jsonString(destDekSubjects(t, e)) })
}

func destDekSubjects(t *testing.T, e *env) []string {
	t.Helper()
	status, body := call(t, http.MethodGet, e.dest.URL()+"/dek-registry/v1/keks/dr_k1/deks", "")
	if status == http.StatusNotFound {
		return nil
	}
	var out []string
	if status != http.StatusOK || jsonUnmarshal(body, &out) != nil {
		t.Fatalf("GET the DEK subjects of dr_k1: %d %s", status, body)
	}
	return out
}

// TestExporterMetrics: the runner reports each exporter's state, what it copied, its lag
// and its errors.
func TestExporterMetrics(t *testing.T) {
	e := newEnv(t)
	e.apply(t, filled...)
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"*"}})
	e.run(t)
	e.caughtUp(t, "dr")
	eventually(t, "the metrics of a caught-up exporter", func() bool {
		return metric(t, e, "accord_exporter_state", "RUNNING") == 1 && metric(t, e, "accord_exporter_records_copied_total", "") > 10 &&
			metric(t, e, "accord_exporter_lag_records", "") == 0
	}, func() string { return "" })
	e.proxy.down.Store(true)
	e.apply(t, step{"POST", "/subjects/late/versions", `{"schema":"\"int\""}`})
	eventually(t, "an error and a lag to be counted", func() bool {
		return metric(t, e, "accord_exporter_errors_total", "") > 0 && metric(t, e, "accord_exporter_state", "STARTING") == 1
	}, func() string { return "" })
	e.proxy.down.Store(false)
	e.caughtUp(t, "dr")
}

// metric returns the value of the exporter dr's series of name (with state, if given), or
// -1 when there is none.
func metric(t *testing.T, e *env, name, state string) float64 {
	t.Helper()
	families, err := e.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if label(m, "exporter") == "dr" && (state == "" || label(m, "state") == state) {
				if m.GetCounter() != nil {
					return m.GetCounter().GetValue()
				}
				return m.GetGauge().GetValue()
			}
		}
	}
	return -1
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// TestExporterRenamesTheKeksOfRules: with a kekRenameFormat, the encryption rules of the
// copied versions name the renamed KEKs, which are the ones the destination has; the
// source's rules are unchanged.
func TestExporterRenamesTheKeksOfRules(t *testing.T) {
	e := newEnv(t)
	rule := `{"name":"encrypt","kind":"TRANSFORM","type":"ENCRYPT","mode":"WRITEREAD","tags":["PII"],"params":{"encrypt.kek.name":"k1","encrypt.kms.type":"local-kms","encrypt.kms.key.id":"key-1"}}`
	e.apply(t, step{"POST", "/subjects/orders-value/versions", `{"schema":"\"int\"","ruleSet":{"domainRules":[` + rule + `]}}`})
	e.create(t, store.Exporter{Name: "dr", Subjects: []string{"orders-value"}, KekRenameFormat: "dr_${kek}"})
	e.run(t)
	e.caughtUp(t, "dr")
	_, dst := call(t, http.MethodGet, e.dest.URL()+"/subjects/:.src:orders-value/versions/1", "")
	if !strings.Contains(dst, `"encrypt.kek.name":"dr_k1"`) || !strings.Contains(dst, `"encrypt.kms.key.id":"key-1"`) {
		t.Errorf("the destination's version: %s, want its rule to name dr_k1", dst)
	}
	if _, src := call(t, http.MethodGet, e.sourceURL+"/subjects/orders-value/versions/1", ""); !strings.Contains(src, `"encrypt.kek.name":"k1"`) {
		t.Errorf("the source's version changed: %s", src)
	}
}
