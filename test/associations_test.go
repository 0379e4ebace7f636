package test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/accord-registry/accord/store"
	"github.com/accord-registry/accord/store/filelog"
)

// Confluent 8.2's ASSOC records as its KafkaStore writes them (AssociationKey and
// AssociationValue): orders' value is a STRONG association, its key a WEAK one on a subject of
// its own, and payments' value a WEAK association that was explicitly frozen.
const (
	assocOrdersValueKey = `{"keytype":"ASSOC","tenant":"default","resourceName":"orders","resourceNamespace":"lkc-1","resourceType":"topic","associationType":"value","subject":":.lkc-1:orders-value","magic":0}`
	assocOrdersValue    = `{"guid":"g-1","tenant":"default","resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"t-orders","resourceType":"topic","associationType":"value","subject":":.lkc-1:orders-value","lifecycle":"STRONG","frozen":true,"createTs":1700000000000}`
	assocOrdersKeyKey   = `{"keytype":"ASSOC","tenant":"default","resourceName":"orders","resourceNamespace":"lkc-1","resourceType":"topic","associationType":"key","subject":"shared-key","magic":0}`
	assocOrdersKey      = `{"guid":"g-2","tenant":"default","resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"t-orders","resourceType":"topic","associationType":"key","subject":"shared-key","lifecycle":"WEAK","frozen":false,"createTs":1700000000001}`
	assocPaymentsKey    = `{"keytype":"ASSOC","tenant":"default","resourceName":"payments","resourceNamespace":"lkc-2","resourceType":"topic","associationType":"value","subject":"shared-key","magic":0}`
	assocPayments       = `{"guid":"g-3","tenant":"default","resourceName":"payments","resourceNamespace":"lkc-2","resourceId":"t-payments","resourceType":"topic","associationType":"value","subject":"shared-key","lifecycle":"WEAK","frozen":true,"createTs":1700000000002}`
	assocOtherTenantKey = `{"keytype":"ASSOC","tenant":"acme","resourceName":"orders","resourceNamespace":"lkc-1","resourceType":"topic","associationType":"value","subject":"x","magic":0}`
	assocOtherTenant    = `{"guid":"g-4","tenant":"acme","resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"t-orders","resourceType":"topic","associationType":"value","subject":"x","lifecycle":"WEAK","frozen":false,"createTs":1}`
)

// appendRecords writes records to the embedded log in dir, as a Confluent registry sharing
// the topic would have, while no server has it open.
func appendRecords(t *testing.T, dir string, recs ...store.Record) {
	t.Helper()
	l, err := filelog.Open(dir, filelog.Config{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := time.UnixMilli(1700000005000)
	for i := range recs {
		recs[i].Timestamp = ts
	}
	if _, err := l.Append(recs); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestAssociationsFromLog checks that the association reads serve the ASSOC records of the
// log as Confluent's AssociationsResource does: the entity's fields and order, the default
// resourceType, the filters, the resource wildcard, another tenant's records ignored, a
// tombstone removing one, and all of it again after a restart.
func TestAssociationsFromLog(t *testing.T) {
	dir := t.TempDir()
	appendRecords(t, dir,
		store.Record{Key: []byte(`{"keytype":"NOOP","magic":0}`)},
		store.Record{Key: []byte(assocOrdersValueKey), Value: []byte(assocOrdersValue)},
		store.Record{Key: []byte(assocOrdersKeyKey), Value: []byte(assocOrdersKey)},
		store.Record{Key: []byte(assocPaymentsKey), Value: []byte(assocPayments)},
		store.Record{Key: []byte(assocOtherTenantKey), Value: []byte(assocOtherTenant)})
	s := startServer(t, serverOptions{dir: dir})

	const (
		ordersValue = `{"subject":":.lkc-1:orders-value","guid":"g-1","resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"t-orders","resourceType":"topic","associationType":"value","lifecycle":"STRONG","createTs":1700000000000,"updateTs":1700000005000}`
		ordersKey   = `{"subject":"shared-key","guid":"g-2","resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"t-orders","resourceType":"topic","associationType":"key","lifecycle":"WEAK","createTs":1700000000001,"updateTs":1700000005000}`
		payments    = `{"subject":"shared-key","guid":"g-3","resourceName":"payments","resourceNamespace":"lkc-2","resourceId":"t-payments","resourceType":"topic","associationType":"value","lifecycle":"WEAK","frozen":true,"createTs":1700000000002,"updateTs":1700000005000}`
	)
	cases := []struct{ path, want string }{
		{"/associations/subjects/shared-key", "[" + ordersKey + "," + payments + "]"},
		{"/associations/subjects/:.lkc-1:orders-value", "[" + ordersValue + "]"},
		{"/associations/subjects/nobody", "[]"},
		{"/associations/subjects/shared-key?associationType=value", "[" + payments + "]"},
		{"/associations/subjects/shared-key?associationType=value&associationType=key", "[" + ordersKey + "," + payments + "]"},
		{"/associations/subjects/shared-key?lifecycle=STRONG", "[]"},
		{"/associations/subjects/shared-key?resourceType=cluster", "[]"},
		{"/associations/subjects/shared-key?offset=1", "[" + payments + "]"},
		{"/associations/subjects/shared-key?limit=1", "[" + ordersKey + "]"},
		{"/associations/resources/t-orders", "[" + ordersKey + "," + ordersValue + "]"},
		{"/associations/resources/t-orders?lifecycle=STRONG", "[" + ordersValue + "]"},
		{"/associations/resources/lkc-1/orders", "[" + ordersKey + "," + ordersValue + "]"},
		{"/associations/resources/lkc-2/orders", "[]"},
		{"/associations/resources/-/payments", "[" + payments + "]"},
		{"/associations/resources/lkc-1/-", "[" + ordersKey + "," + ordersValue + "]"},
		{"/associations/resources/-/-", "[" + ordersKey + "," + ordersValue + "," + payments + "]"},
	}
	check := func(s *server) {
		t.Helper()
		for _, tc := range cases {
			r := s.do("GET", tc.path, nil)
			if r.Status != 200 || !jsonMatch(tc.want, string(r.Body)) {
				t.Errorf("GET %s = %d %s, want 200 %s", tc.path, r.Status, r.Body, tc.want)
			}
		}
	}
	check(s)
	s = s.restart(serverOptions{})
	check(s)

	s.stop()
	appendRecords(t, dir, store.Record{Key: []byte(assocOrdersKeyKey)})
	s = startServer(t, serverOptions{dir: dir})
	r := s.do("GET", "/associations/subjects/shared-key", nil)
	if want := "[" + payments + "]"; r.Status != 200 || !jsonMatch(want, string(r.Body)) {
		t.Errorf("after the tombstone: %d %s, want 200 %s", r.Status, r.Body, want)
	}
}

// TestAssociationWritesSurviveRestart checks that associations Accord writes are ASSOC records
// in Confluent's exact bytes (AssociationKey's property order, AssociationValue's creator
// order with createTs left to the reader) and that after a restart they are served again with
// their creation time kept across an update, and a deleted one stays deleted.
func TestAssociationWritesSurviveRestart(t *testing.T) {
	s := startServer(t, serverOptions{})
	must := func(method, path, body string, status int) response {
		t.Helper()
		var b any
		if body != "" {
			b = body
		}
		r := s.do(method, path, b)
		if r.Status != status {
			t.Fatalf("%s %s = %d %s, want %d", method, path, r.Status, r.Body, status)
		}
		return r
	}
	must("POST", "/subjects/shared/versions", `{"schema":"\"string\""}`, 200)
	must("POST", "/subjects/other/versions", `{"schema":"\"int\""}`, 200)
	from := s.log.End()
	must("POST", "/associations", `{"resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"t1","associations":[{"subject":"shared"},{"subject":"other","associationType":"key"}]}`, 200)
	recs := s.records(from)
	if len(recs) != 2 {
		t.Fatalf("create wrote %d records, want 2", len(recs))
	}
	wantKey := `{"keytype":"ASSOC","tenant":"default","resourceName":"orders","resourceNamespace":"lkc-1","resourceType":"topic","associationType":"value","subject":"shared","magic":0}`
	if string(recs[0].Key) != wantKey {
		t.Errorf("key = %s, want %s", recs[0].Key, wantKey)
	}
	valuePattern := regexp.MustCompile(`^\{"guid":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}","tenant":"default","resourceName":"orders","resourceNamespace":"lkc-1","resourceId":"t1","resourceType":"topic","associationType":"value","subject":"shared","lifecycle":"WEAK","frozen":false\}$`)
	if !valuePattern.Match(recs[0].Value) {
		t.Errorf("value = %s, want Confluent's AssociationValue", recs[0].Value)
	}
	before := must("GET", "/associations/resources/t1", "", 200).Body
	must("DELETE", "/associations/resources/t1?associationType=key", "", 204)

	s = s.restart(serverOptions{})
	after := must("GET", "/associations/resources/t1", "", 200).Body
	var b, a []store.Association
	if err := json.Unmarshal(before, &b); err != nil || json.Unmarshal(after, &a) != nil {
		t.Fatalf("decode: %v %s %s", err, before, after)
	}
	if len(b) != 2 || len(a) != 1 || a[0] != b[1] || a[0].CreateTS == 0 || a[0].GUID == "" {
		t.Errorf("after restart: %s, want the value association of %s", after, before)
	}
	must("DELETE", "/subjects/shared", "", 409)
}

// TestStrongReferenceFastPath pins where Confluent refuses a reference to a subject with a
// STRONG association (42205): in KafkaSchemaRegistry.register, which registerOrForward's
// lookup of an already registered schema answers before. So re-registering, under the same
// subject, a schema that was stored with such a reference (here by a Confluent registry
// sharing the log) returns it, while the same schema under another subject, or a new one,
// is refused.
func TestStrongReferenceFastPath(t *testing.T) {
	dir := t.TempDir()
	const (
		order = `{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}`
		ref   = `{\"type\":\"record\",\"name\":\"Ref\",\"fields\":[{\"name\":\"o\",\"type\":\"Order\"}]}`
		refs  = `[{"name":"Order","subject":":.lkc-1:orders-value","version":1}]`
	)
	appendRecords(t, dir,
		store.Record{Key: []byte(`{"keytype":"SCHEMA","subject":":.lkc-1:orders-value","version":1,"magic":1}`),
			Value: []byte(`{"subject":":.lkc-1:orders-value","version":1,"id":1,"schemaType":"AVRO","schema":"` + order + `","deleted":false}`)},
		store.Record{Key: []byte(`{"keytype":"SCHEMA","subject":"refs","version":1,"magic":1}`),
			Value: []byte(`{"subject":"refs","version":1,"id":1,"schemaType":"AVRO","references":` + refs + `,"schema":"` + ref + `","deleted":false}`)},
		store.Record{Key: []byte(assocOrdersValueKey), Value: []byte(assocOrdersValue)})
	s := startServer(t, serverOptions{dir: dir})
	body := `{"schema":"` + ref + `","references":` + refs + `}`
	if r := s.do("POST", "/subjects/refs/versions", body); r.Status != 200 || !strings.Contains(string(r.Body), `{"version":1,"id":1,`) {
		t.Errorf("re-registering under refs = %d %s, want 200 with id 1", r.Status, r.Body)
	}
	refused := `{"error_code":42205,"message":"Subject ':.lkc-1:orders-value' has a strong association and cannot be referenced"}`
	if r := s.do("POST", "/subjects/other/versions", body); r.Status != 422 || !jsonMatch(refused, string(r.Body)) {
		t.Errorf("the same schema under other = %d %s, want 422 %s", r.Status, r.Body, refused)
	}
	changed := strings.Replace(body, `\"o\"`, `\"p\"`, 1)
	if r := s.do("POST", "/subjects/refs/versions", changed); r.Status != 422 || !jsonMatch(refused, string(r.Body)) {
		t.Errorf("a new schema under refs = %d %s, want 422 %s", r.Status, r.Body, refused)
	}
}
