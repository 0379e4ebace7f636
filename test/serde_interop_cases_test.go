package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
)

// The values of the interop test, one case per thing a client could get wrong: each format
// with the id in the payload prefix and in a GUID header, a reference to a schema in
// another subject, and Protobuf messages at several message-index paths.

// interopCase is one value both sides write and read. The JSON fields are what the client
// script sees in the manifest.
type interopCase struct {
	Name   string `json:"name"`
	Format string `json:"format"` // avro, json, protobuf
	// Topic is where Accord's serializer writes, ClientTopic where the client's does; both
	// register their schema (TopicNameStrategy: the topic's "-value" subject) on first use.
	Topic       string `json:"topic"`
	ClientTopic string `json:"client_topic"`
	// Schema is the Avro or JSON schema text; References name the schemas it uses, which
	// the test registered beforehand, as Confluent's serializers expect.
	Schema     string               `json:"schema,omitempty"`
	References []sr.SchemaReference `json:"references"`
	// Message is the full name of a Protobuf message in the test's descriptor set.
	Message string `json:"message,omitempty"`
	// Header: the id travels as a GUID in the __value_schema_id header, not in the payload.
	Header bool `json:"header"`
	// BytesFields are the fields of Expected that hold Avro bytes, written in base64.
	BytesFields []string `json:"bytes_fields"`
	// Expected is the value, in JSON; Protobuf messages in the proto3 JSON mapping with
	// the .proto field names.
	Expected json.RawMessage `json:"expected"`

	indexes  []int    // the Protobuf message indexes every writer must put on the wire
	refNames []string // the references the registry must hold for the case's subjects
	codec    interopCodec
}

// interopCodec writes and reads a case's value with Accord's serializers.
type interopCodec struct {
	write writeFunc
	read  readFunc
}

// options are the serializer options of a case.
func (c interopCase) options() []serde.Option {
	var opts []serde.Option
	if c.Header {
		opts = append(opts, serde.WithIDFormat(serde.HeaderGUID))
	}
	if len(c.References) > 0 {
		opts = append(opts, serde.References(c.References...))
	}
	if c.Format == "json" {
		opts = append(opts, serde.Validate())
	}
	return opts
}

// Go types of the Avro and JSON cases: the typed deserializers decode into them, and the
// test compares them field by field with the expected value.
type interopPayment struct {
	ID         string           `avro:"id" json:"id"`
	Amount     float64          `avro:"amount" json:"amount"`
	Attempts   int32            `avro:"attempts" json:"attempts"`
	At         int64            `avro:"at" json:"at"`
	Currency   string           `avro:"currency" json:"currency"`
	Note       *string          `avro:"note" json:"note"`
	Tags       []string         `avro:"tags" json:"tags"`
	Attributes map[string]int64 `avro:"attributes" json:"attributes"`
	Paid       bool             `avro:"paid" json:"paid"`
	Digest     []byte           `avro:"digest" json:"digest"`
}

type interopMoney struct {
	Units    int64  `avro:"units" json:"units"`
	Currency string `avro:"currency" json:"currency"`
}

type interopInvoice struct {
	Number string         `avro:"number" json:"number"`
	Total  interopMoney   `avro:"total" json:"total"`
	Lines  []interopMoney `avro:"lines" json:"lines"`
}

type interopSignup struct {
	Email      string   `json:"email"`
	Age        int      `json:"age"`
	Score      float64  `json:"score"`
	Newsletter bool     `json:"newsletter"`
	Tags       []string `json:"tags"`
}

type interopAddress struct {
	Street string `json:"street"`
	City   string `json:"city"`
}

type interopCustomer struct {
	Name    string         `json:"name"`
	Address interopAddress `json:"address"`
}

// The subjects of the referenced schemas, registered before any case runs.
const (
	interopMoneySubject   = "interop-money"
	interopAddressSubject = "interop-address"
	interopCommonProto    = "interop_common.proto"
)

// interopCases returns the cases for one client.
func interopCases(t *testing.T, client string) []interopCase {
	payment := `{"id":"p-1","amount":12.5,"attempts":2,"at":1763856000123,"currency":"USD","note":"first try",
		"tags":["a","b"],"attributes":{"retries":3,"shard":-7},"paid":true,"digest":"AAEC/w=="}`
	moneyRef := []sr.SchemaReference{{Name: "accord.interop.Money", Subject: interopMoneySubject, Version: 1}}
	addressRef := []sr.SchemaReference{{Name: "address.json", Subject: interopAddressSubject, Version: 1}}
	cases := []interopCase{
		{Name: "avro", Format: "avro", Schema: readInteropSchema(t, "payment.avsc"), BytesFields: []string{"digest"},
			Expected: json.RawMessage(payment), codec: avroCodec[interopPayment]()},
		{Name: "avro-guid-header", Format: "avro", Header: true, Schema: readInteropSchema(t, "payment.avsc"), BytesFields: []string{"digest"},
			Expected: json.RawMessage(payment), codec: avroCodec[interopPayment]()},
		{Name: "avro-reference", Format: "avro", Schema: readInteropSchema(t, "invoice.avsc"), References: moneyRef,
			Expected: json.RawMessage(`{"number":"INV-7","total":{"units":1500,"currency":"EUR"},
				"lines":[{"units":1000,"currency":"EUR"},{"units":500,"currency":"EUR"}]}`),
			refNames: []string{"accord.interop.Money"}, codec: avroCodec[interopInvoice]()},
		{Name: "json", Format: "json", Schema: readInteropSchema(t, "signup.json"),
			Expected: json.RawMessage(`{"email":"ada@example.com","age":36,"score":4.5,"newsletter":true,"tags":["beta"]}`),
			codec:    jsonCodec[interopSignup]()},
		{Name: "json-guid-header", Format: "json", Header: true, Schema: readInteropSchema(t, "signup.json"),
			Expected: json.RawMessage(`{"email":"grace@example.com","age":85,"score":-1.25,"newsletter":false,"tags":[]}`),
			codec:    jsonCodec[interopSignup]()},
		{Name: "json-reference", Format: "json", Schema: readInteropSchema(t, "customer.json"), References: addressRef,
			Expected: json.RawMessage(`{"name":"Lovelace","address":{"street":"12 St James's Square","city":"London"}}`),
			refNames: []string{"address.json"}, codec: jsonCodec[interopCustomer]()},
	}
	cases = append(cases, protobufInteropCases()...)
	for i := range cases {
		c := &cases[i]
		c.Topic = "go-" + c.Name
		c.ClientTopic = client + "-" + c.Name
		if c.References == nil {
			c.References = []sr.SchemaReference{}
		}
		if c.BytesFields == nil {
			c.BytesFields = []string{}
		}
	}
	return cases
}

// protobufInteropCases cover the message-index paths [0], [1], [1, 1] and [1, 1, 0] of
// interop.proto, whose reference to interop_common.proto every writer registers.
func protobufInteropCases() []interopCase {
	cases := []interopCase{
		{Name: "protobuf-first-message", Format: "protobuf", Message: "accord.interop.Order", indexes: []int{0},
			Expected: json.RawMessage(`{"id":"42","customer":"grace","total":99.5,"tags":["x","y"],
				"shipping":{"street":"1 Main St","city":"Lyon"},"placed_at":"2026-11-23T10:00:00.250Z"}`)},
		{Name: "protobuf-second-message", Format: "protobuf", Message: "accord.interop.Shipment", indexes: []int{1},
			Expected: json.RawMessage(`{"id":"s-9","carrier":{"name":"Post"},"destination":{"city":"Oslo"},
				"parcels":[{"tracking":"XY-1","weight":1.5,"size":{"length_mm":300,"width_mm":200}},{"tracking":"XY-2"}]}`)},
		{Name: "protobuf-nested", Format: "protobuf", Message: "accord.interop.Shipment.Parcel", indexes: []int{1, 1},
			Expected: json.RawMessage(`{"tracking":"XY-3","weight":2.25,"size":{"length_mm":10}}`)},
		{Name: "protobuf-nested-guid-header", Format: "protobuf", Header: true, Message: "accord.interop.Shipment.Parcel", indexes: []int{1, 1},
			Expected: json.RawMessage(`{"tracking":"XY-4","weight":0.5}`)},
		{Name: "protobuf-nested-twice", Format: "protobuf", Message: "accord.interop.Shipment.Parcel.Dimensions", indexes: []int{1, 1, 0},
			Expected: json.RawMessage(`{"length_mm":7,"width_mm":4294967295}`)},
	}
	for i := range cases {
		cases[i].refNames = []string{interopCommonProto}
		cases[i].codec = protobufCodec()
	}
	return cases
}

func readInteropSchema(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "serde", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
