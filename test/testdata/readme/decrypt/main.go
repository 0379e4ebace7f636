package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/deks"
	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/localkms"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/encryption"
)

type Customer struct {
	ID    int64  `avro:"id"`
	Email string `avro:"email"`
}

const schema = `{"type": "record", "name": "Customer", "fields": [
  {"name": "id", "type": "long"}, {"name": "email", "type": "string"}]}`

func main() {
	registry, err := sr.NewClient(sr.URLs("http://localhost:8081"))
	if err != nil {
		log.Fatal(err)
	}
	dekRegistry, err := deks.NewClient(registry)
	if err != nil {
		log.Fatal(err)
	}
	// The ENCRYPT executor, with the local KMS and the producer's secret.
	encrypt := encryption.NewFieldExecutor(encryption.Config{
		Registry:   dekRegistry,
		Drivers:    kms.NewDrivers(localkms.New()),
		RuleConfig: map[string]string{"secret": "change-me"},
	})
	engine, err := rules.NewEngine(rules.WithExecutors(encrypt))
	if err != nil {
		log.Fatal(err)
	}
	defer engine.Close()

	deserializer, err := avro.NewDeserializer[Customer](serde.NewClient(registry), schema, serde.Rules(engine))
	if err != nil {
		log.Fatal(err)
	}
	payload, err := os.ReadFile("customer.bin") // what a consumer would receive from Kafka
	if err != nil {
		log.Fatal(err)
	}
	// The rules run for the record's topic.
	customer, _, err := deserializer.Deserialize(serde.WithTopic(context.Background(), "customers"), payload, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", customer) // {ID:1 Email:ada@example.com}
}
