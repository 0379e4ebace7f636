package jsonata

import "reflect"

// normalize makes the JSON-like tree of what an expression yields: map[string]any and
// []any all the way down. jsonata-go already answers with those types for what it builds,
// and with the input's own values for what it passes through, so the usual tree is walked
// without a copy; other maps with string keys and other slices are converted.
func normalize(v any) any {
	switch t := v.(type) {
	case nil, string, bool, float64, int, int32, int64, float32:
		return v
	case map[string]any:
		for k, e := range t {
			t[k] = normalize(e) // replacing a present key while ranging is allowed
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = normalize(e)
		}
		return t
	}
	return normalizeReflect(reflect.ValueOf(v))
}

func normalizeReflect(rv reflect.Value) any {
	switch rv.Kind() {
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return rv.Interface()
		}
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			out[it.Key().String()] = normalize(it.Value().Interface())
		}
		return out
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return rv.Interface() // bytes stay bytes
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = normalize(rv.Index(i).Interface())
		}
		return out
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return normalize(rv.Elem().Interface())
	}
	return rv.Interface()
}
