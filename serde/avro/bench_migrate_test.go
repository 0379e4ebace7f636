package avro_test

import (
	"testing"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/sertest"
)

// What a deserializer that reads as a version of its own (use.latest.with.metadata) pays
// per record: a record of the reader's version (the plan is looked up, nothing migrates),
// and a record migrated from major version 1 by one JSONata step.
//
//	go test -run '^$' -bench '^BenchmarkMigration' -benchmem ./serde/avro
func BenchmarkMigration(b *testing.B) {
	reg := sertest.New(b)
	id1, id2 := majors(b, reg, userMajor1Schema, userMajor2Schema, renameRules())
	c := reg.Client()
	email := "ann@example.com"
	records := []struct {
		name   string
		record []byte
	}{
		{"reader's version", record(b, c, userMajor2Schema, id2, userMajor2{Name: "ann", SocialSecurityNumber: "123", Email: &email})},
		{"migrated", record(b, c, userMajor1Schema, id1, userMajor1{Name: "ann", SSN: "123", Email: &email})},
	}
	de, err := avro.NewDeserializer[userMajor2](c, userMajor2Schema, readAs("2", jsonataEngine(b))...)
	if err != nil {
		b.Fatal(err)
	}
	ctx := serde.WithTopic(ctx, usersTopic)
	for _, r := range records {
		b.Run(r.name, func(b *testing.B) {
			var out userMajor2
			if _, err := de.DeserializeInto(ctx, r.record, nil, &out); err != nil || out.SocialSecurityNumber != "123" {
				b.Fatal(err, out)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := de.DeserializeInto(ctx, r.record, nil, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
