// Package deks is the client of a registry's DEK Registry (/dek-registry/v1), the key
// service of client-side field encryption: serde's ENCRYPT executor reads and creates key
// encryption keys (KEKs) and data encryption keys (DEKs) through it, as Confluent's
// executors do through their DekRegistryClient.
//
// It sends its requests through the franz-go registry client the serializers use, so the
// base URLs, authentication, TLS and response bounds are the same; it only drops that
// client's default schema context and default query parameters, which name schema paths and
// would misdirect the DEK Registry's.
//
// Answers are cached as Confluent's Go and Python clients cache them: by KEK name and
// deleted flag, and by (KEK, subject, version, algorithm, deleted) for DEKs, with Latest (-1)
// a key of its own that a DEK registration evicts. The caches are bounded (least recently
// used out first) and may expire ([CacheTTL]); concurrent misses of one key make one request.
// Errors keep the registry's answer: [IsNotFound] and [IsConflict] test the HTTP status the
// executor's algorithm turns on, and errors.As finds the *sr.ResponseError with Confluent's
// error_code.
package deks
