package compat

import (
	"context"
	"fmt"
)

// checked is Check without a deadline, for tests whose schemas are well within the budget: a
// comparison that stops early is a bug there.
func checked(next *Schema, previous []Previous, opts CheckOptions) Result {
	res, err := Check(context.Background(), next, previous, opts)
	if err != nil {
		panic(fmt.Sprintf("Check stopped early: %v", err))
	}
	return res
}
