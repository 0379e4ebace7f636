package avro_test

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/avro"
	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/jsonata"
	"github.com/accord-registry/accord/serde/sertest"
)

const userV1 = `{"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"ssn","type":"string"}]}`

// A consumer on major version 2 of users-value reads a record a producer wrote with major
// version 1: the deserializer finds the versions, runs version 2's UPGRADE rule (JSONata)
// on the record, and reads the result as version 2.
func ExampleDeserializer_migration() {
	registry, err := sertest.Start() // a real registry in this process; use your registry's URL instead
	if err != nil {
		panic(err)
	}
	defer registry.Close()
	client := registry.Client()
	ctx := context.Background()

	// Versions are only checked against versions of the same major_version.
	set := sr.SetCompatibility{Level: sr.CompatBackward, Group: "major_version"}
	if res := registry.SR().SetCompatibility(ctx, set, "users-value"); res[0].Err != nil {
		panic(res[0].Err)
	}
	v1, err := registry.SR().CreateSchema(ctx, "users-value", sr.Schema{
		Schema:         userV1,
		SchemaMetadata: &sr.SchemaMetadata{Properties: map[string]string{"major_version": "1"}},
	})
	if err != nil {
		panic(err)
	}
	_, err = registry.SR().CreateSchema(ctx, "users-value", sr.Schema{
		Schema:         `{"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"socialSecurityNumber","type":"string"}]}`,
		SchemaMetadata: &sr.SchemaMetadata{Properties: map[string]string{"major_version": "2"}},
		SchemaRuleSet: &sr.SchemaRuleSet{MigrationRules: []sr.SchemaRule{{
			Name: "rename-ssn", Kind: sr.SchemaRuleKindTransform, Mode: sr.SchemaRuleModeUpgrade, Type: "JSONATA",
			Expr: `$merge([$sift($, function($v, $k) {$k != 'ssn'}), {'socialSecurityNumber': $.'ssn'}])`,
		}}},
	})
	if err != nil {
		panic(err)
	}

	type UserV1 struct {
		Name string `avro:"name"`
		SSN  string `avro:"ssn"`
	}
	ser, err := avro.NewSerializer[UserV1](client, userV1, serde.UseSchemaID(int32(v1.ID)))
	if err != nil {
		panic(err)
	}
	record, err := ser.Serialize(ctx, "users", UserV1{Name: "ann", SSN: "123-45-6789"})
	if err != nil {
		panic(err)
	}

	type UserV2 struct {
		Name                 string `avro:"name"`
		SocialSecurityNumber string `avro:"socialSecurityNumber"`
	}
	engine, err := rules.NewEngine(rules.WithExecutors(jsonata.NewExecutor()))
	if err != nil {
		panic(err)
	}
	de, err := avro.NewDeserializer[UserV2](client, "",
		serde.UseLatestWithMetadata(map[string]string{"major_version": "2"}), serde.Rules(engine))
	if err != nil {
		panic(err)
	}
	user, _, err := de.Deserialize(serde.WithTopic(ctx, "users"), record, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", user)
	// Output: {Name:ann SocialSecurityNumber:123-45-6789}
}
