package jsonschema_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/accord-registry/accord/serde"
	"github.com/accord-registry/accord/serde/jsonschema"
	"github.com/accord-registry/accord/serde/sertest"
)

type Signup struct {
	Email string `json:"email"`
	Age   int    `json:"age"`
}

const signupSchema = `{"title":"Signup","type":"object","properties":{
	"email":{"type":"string"},"age":{"type":"integer","minimum":13}},"required":["email"]}`

func Example() {
	registry, err := sertest.Start() // a real registry in this process; use your registry's URL instead
	if err != nil {
		panic(err)
	}
	defer registry.Close()
	ctx := context.Background()

	ser, err := jsonschema.NewSerializer[Signup](registry.Client(), signupSchema, serde.Validate())
	if err != nil {
		panic(err)
	}
	value, err := ser.Serialize(ctx, "signups", Signup{Email: "ada@example.com", Age: 36})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%q\n", value)

	_, err = ser.Serialize(ctx, "signups", Signup{Email: "kid@example.com", Age: 9})
	var invalid *jsonschema.ValidationError
	fmt.Println(errors.As(err, &invalid), err)

	de, err := jsonschema.NewDeserializer[Signup](registry.Client(), serde.Validate())
	if err != nil {
		panic(err)
	}
	s, id, err := de.Deserialize(ctx, value, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v: %+v\n", id, s)
	// Output:
	// "\x00\x00\x00\x00\x01{\"email\":\"ada@example.com\",\"age\":36}"
	// true serde/jsonschema: the value does not match its schema at /age: must be >= 13 but found 9
	// id 1: {Email:ada@example.com Age:36}
}
