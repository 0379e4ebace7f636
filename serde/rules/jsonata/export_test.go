package jsonata

// CachedExpressions is the number of compiled expressions x keeps, for tests.
func CachedExpressions(x *Executor) int { return x.exprs.Len() }
