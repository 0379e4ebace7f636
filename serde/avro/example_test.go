package avro_test

import (
	"context"
	"fmt"

	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/sertest"
)

// Payment is the Go side of the Avro record; hamba/avro's avrogen generates such structs
// from schemas.
type Payment struct {
	ID     string  `avro:"id"`
	Amount float64 `avro:"amount"`
}

const paymentSchema = `{"type":"record","name":"Payment","namespace":"com.example",
	"fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"}]}`

func Example() {
	registry, err := sertest.Start() // a real registry in this process; use your registry's URL instead
	if err != nil {
		panic(err)
	}
	defer registry.Close()
	client := registry.Client()
	ctx := context.Background()

	ser, err := avro.NewSerializer[Payment](client, paymentSchema)
	if err != nil {
		panic(err)
	}
	value, err := ser.Serialize(ctx, "payments", Payment{ID: "p-1", Amount: 12.5}) // registers payments-value
	if err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", value[:5])

	de, err := avro.NewDeserializer[Payment](client, paymentSchema)
	if err != nil {
		panic(err)
	}
	p, id, err := de.Deserialize(ctx, value, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v: %+v\n", id, p)
	// Output:
	// 00 00 00 00 01
	// id 1: {ID:p-1 Amount:12.5}
}

func ExampleNewGenericDeserializer() {
	registry, err := sertest.Start()
	if err != nil {
		panic(err)
	}
	defer registry.Close()
	ctx := context.Background()

	ser, err := avro.NewGenericSerializer(registry.Client(), paymentSchema)
	if err != nil {
		panic(err)
	}
	value, err := ser.Serialize(ctx, "payments", map[string]any{"id": "p-2", "amount": 3.0})
	if err != nil {
		panic(err)
	}
	// No reader schema: the record decodes with the schema it was written with.
	de, err := avro.NewGenericDeserializer(registry.Client())
	if err != nil {
		panic(err)
	}
	v, _, err := de.Deserialize(ctx, value, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(v)
	// Output: map[amount:3 id:p-2]
}
