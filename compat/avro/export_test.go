package avro

// HambaRejects is hambaRejects, for the tests of package avro_test.
var HambaRejects = hambaRejects
