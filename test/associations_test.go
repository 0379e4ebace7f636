package test

import (
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
