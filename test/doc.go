// Package test holds Accord's end-to-end and architecture tests: a real server (api on a
// real store on the embedded file log) driven over HTTP on 127.0.0.1, by hand-written requests
// and by real clients, plus the tests that keep the package structure honest. It has no
// non-test code beyond this comment.
package test
