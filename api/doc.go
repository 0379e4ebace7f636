// Package api is Accord's HTTP surface: the Confluent Schema Registry REST API on echo/v4.
//
// Every existing client (the Java and Python serializers, franz-go's sr, Node) must work
// unchanged, so paths, query parameters, JSON shapes, statuses and error codes follow
// Confluent's 8.x server exactly (see the openapi package for the reference). The package is
// deliberately thin: handlers decode a request, call one store method and encode the answer.
// Errors are returned, never written: [errorHandler] is the single place that turns a
// store.Error, an echo error or an unexpected failure into a status and Confluent's
// {"error_code", "message"} body, and the only place that logs a failed request's cause.
//
// The DEK Registry (/dek-registry/v1, the keys of client-side field encryption) is served
// from a second store, Config.Keys, on a log of its own; its writes are forwarded to the
// leader like schema writes, and its KEKs and DEKs are resources of the policy.
//
// With several instances (Config.Leadership), elections are invisible to writers: a write that
// finds no leader known (an instance starting, a failover, the rebalances of a rolling
// restart), or that a deposed or departing leader refuses with 50004 or never answers, waits
// for the election up to Config.WriteTimeout and is then handled here or forwarded, where
// Confluent answers 50004 at once. A write forwarded by another instance is never forwarded
// again: its sender does the waiting. See writeThroughElection.
package api
