package serde

import (
	"fmt"
	"reflect"
)

// The functions below store what a field-level rule returned back into the value a format's
// field walker walks (a struct reached through reflection, or a generic map), the same way in
// every format.

// SetField stores a field's new value out: in the map entry name when container is a map,
// else in the struct field fv.
func SetField(container reflect.Value, name string, fv, out reflect.Value) error {
	if container.Kind() == reflect.Map {
		out, err := ConvertValue(out, container.Type().Elem())
		if err != nil {
			return err
		}
		container.SetMapIndex(reflect.ValueOf(name).Convert(container.Type().Key()), out)
		return nil
	}
	return SetValue(fv, out)
}

// SetValue stores out in the settable dst, converted to dst's type.
func SetValue(dst, out reflect.Value) error {
	if !dst.CanSet() {
		return fmt.Errorf("cannot set a %s", dst.Type())
	}
	out, err := ConvertValue(out, dst.Type())
	if err != nil {
		return err
	}
	dst.Set(out)
	return nil
}

// ConvertValue makes out a value of type t: null is t's zero value, a pointer is allocated
// for a nullable (pointer) field, and a value of another type of the same kind (type Email
// string) is converted. Anything else is an error naming both types.
func ConvertValue(out reflect.Value, t reflect.Type) (reflect.Value, error) {
	switch {
	case !out.IsValid():
		return reflect.Zero(t), nil
	case out.Type().AssignableTo(t):
		return out, nil
	case t.Kind() == reflect.Pointer && out.Type().ConvertibleTo(t.Elem()):
		p := reflect.New(t.Elem())
		p.Elem().Set(out.Convert(t.Elem()))
		return p, nil
	case out.Type().ConvertibleTo(t) && out.Kind() == indirectType(t).Kind():
		return out.Convert(t), nil
	}
	return out, fmt.Errorf("the rule returned a %s for a %s", out.Type(), t)
}

func indirectType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
