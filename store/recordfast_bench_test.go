package store

import (
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkScanRecord measures the replay scanner on a SCHEMA key and the value of a
// ten-field Avro record:
//
//	go test -run '^$' -bench ScanRecord ./store
func BenchmarkScanRecord(b *testing.B) {
	text := `{"type":"record","name":"R","namespace":"bench_1_value","fields":[{"name":"id","type":"long"}`
	for i := 0; i < 10; i++ {
		text += fmt.Sprintf(`,{"name":"f%d","type":["null","string"],"default":null}`, i)
	}
	key := []byte(`{"keytype":"SCHEMA","subject":"bench_1-value","version":3,"magic":1}`)
	value, _ := json.Marshal(schemaValue{Subject: "bench_1-value", Version: 3, ID: 17, Schema: text + "]}"})
	b.ReportAllocs()
	for b.Loop() {
		k, ok := scanKey(key)
		var v schemaValue
		if !ok || !scanSchemaValue(value, k.Subject, &v) {
			b.Fatal("left to encoding/json")
		}
	}
}
