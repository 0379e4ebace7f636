// Package kms opens the keys of a key management service as AEAD primitives that wrap and
// unwrap data encryption keys (DEKs), for client-side field encryption.
//
// Two programs need it: serde's ENCRYPT executor, which wraps the DEKs it creates and unwraps
// the ones it reads when their KEK is not shared, and the registry, which does the same for
// shared KEKs (Confluent's DEK Registry returns keyMaterial only for those). So the interface
// is small and stands alone: a [Driver] per kmsType, opened with the key id a KEK names and
// the client's rule configuration.
//
// Unlike Confluent's clients, which register their drivers globally from init functions
// (RegisterKMSDriver), nothing here registers itself: the program builds the [Drivers] it
// wants, so that it links only the SDKs of the services it uses. The drivers live in
// sub-packages for the same reason: localkms needs only the standard library and Tink, while
// awskms pulls in the AWS SDK.
//
// Wrapping always uses empty associated data, as every Confluent client does, and a KEK may
// list alternate key ids (encrypt.alternate.kms.key.ids) that are tried after its own, in
// order, when one fails: see [Drivers.AEAD].
package kms
