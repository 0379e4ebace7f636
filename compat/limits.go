package compat

import "github.com/accord-registry/accord/compat/budget"

// DefaultMaxSteps is the work one comparison of two schemas may do when CheckOptions.MaxSteps
// is zero; package budget says what a step is and why this bound.
const DefaultMaxSteps = budget.DefaultMaxSteps

// LimitError is a comparison that needed more steps than CheckOptions.MaxSteps allows, or
// nested sub-schema comparisons deeper than Java's stack would. Confluent has no such limit:
// it would run until done.
type LimitError = budget.LimitError
