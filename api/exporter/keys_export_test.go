package exporter

// CopyKeys is copyKeys, for the tests of package exporter_test (which import sertest, and
// through it the api package that imports this one).
var CopyKeys = copyKeys
