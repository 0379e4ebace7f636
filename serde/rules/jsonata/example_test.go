package jsonata_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/accord-registry/accord/serde/rules"
	"github.com/accord-registry/accord/serde/rules/jsonata"
)

// A consumer reading with major version 2 migrates a record written with version 1: the
// planner finds the step, the engine runs version 2's UPGRADE rule with the JSONATA
// executor on the record's tree.
func Example() {
	engine, err := rules.NewEngine(rules.WithExecutors(jsonata.NewExecutor()))
	if err != nil {
		panic(err)
	}
	v1 := rules.Versioned{Version: 1, Info: &rules.SchemaInfo{SchemaType: "AVRO"}}
	v2 := rules.Versioned{Version: 2, Info: &rules.SchemaInfo{SchemaType: "AVRO", RuleSet: &rules.RuleSet{
		MigrationRules: []rules.Rule{{
			Name: "rename-ssn", Kind: rules.Transform, Mode: rules.Upgrade, Type: "JSONATA",
			Expr: `$merge([$sift($, function($v, $k) {$k != 'ssn'}), {'socialSecurityNumber': $.'ssn'}])`,
		}},
	}}}
	ctx := context.Background()
	// Versions 1 and 2 are adjacent, so there is nothing between them to fetch.
	plan, err := rules.Migrations(ctx, "users-value", v1, v2, nil)
	if err != nil {
		panic(err)
	}
	record := map[string]any{"name": "ann", "ssn": "123-45-6789"}
	migrated, err := rules.RunMigrations(&rules.Context{Context: ctx, Subject: "users-value", Topic: "users"}, engine, plan, record)
	if err != nil {
		panic(err)
	}
	out, _ := json.Marshal(migrated)
	fmt.Println(len(plan), "step:", plan[0].Mode)
	fmt.Println(string(out))
	// Output:
	// 1 step: UPGRADE
	// {"name":"ann","socialSecurityNumber":"123-45-6789"}
}
