// Package encryption is client-side field-level encryption: the ENCRYPT rule, which
// encrypts the fields a schema tags (PII, say) when a record is written and decrypts them
// when it is read, and the ENCRYPT_PAYLOAD rule, which does the same to the whole encoded
// message. It reproduces Confluent's FieldEncryptionExecutor and EncryptionExecutor (Java,
// Go, Python), byte for byte, so that a record encrypted by any of Confluent's serializers
// decrypts here and the reverse.
//
// # Keys
//
// A rule names a key encryption key (KEK, encrypt.kek.name), a key of a KMS; data encryption
// keys (DEKs) are made per subject and algorithm and stored, wrapped by the KEK, in the
// registry's DEK Registry ([deks.Client]). The executor follows Confluent's algorithm:
//
//   - The KEK is read once per message (cached by the client); on write an absent KEK is
//     created, not shared, from encrypt.kms.type and encrypt.kms.key.id; on read it is read
//     even when soft-deleted, and its absence is an error.
//   - The DEK is read per field value (cached): version 1, or, when encrypt.dek.expiry.days
//     is set, the latest on write and the version the ciphertext names on read. On write an
//     absent or expired DEK is replaced: for a KEK that is not shared the executor makes the
//     key and wraps it with the KMS; for a shared KEK the registry makes it. When another
//     client registered it first the executor reads theirs; when the registration fails and
//     an older DEK exists, the older one is used, with a warning.
//   - A DEK the registry returns without its raw keyMaterial is unwrapped with the KEK's KMS
//     key (and its alternates, encrypt.alternate.kms.key.ids), once, and cached.
//
// # Bytes
//
// A DEK's key material is the serialized Tink key proto (AesGcmKey or AesSivKey), and field
// ciphertexts are Tink's raw output with empty associated data: AES-GCM (AES128_GCM,
// AES256_GCM, the default) is a 12-byte IV, the ciphertext and a 16-byte tag; AES256_SIV,
// deterministic, is a 16-byte SIV and the ciphertext, so equal values give equal ciphertexts
// and stay joinable. When DEKs rotate, a zero byte and the 4-byte big-endian DEK version come
// first. A STRING field holds the standard base64 of the bytes, a BYTES field the bytes.
//
// # Differences from Confluent's clients
//
//   - Nothing registers itself: the program passes the registry client, the KMS drivers
//     (kms.Drivers), the rule configuration, a logger and a clock in [Config].
//   - A DEK this executor has just made is used without asking the KMS to unwrap it again.
//   - The cipher of each DEK is built once and kept, rather than per value.
//   - Expiry counts whole days since the DEK's creation, as the Go and Java clients do (the
//     Python client rotates a little later: only after more than the number of days).
//   - KEKs are looked up by name only: contexts in the KEK lookup (the Python client's
//     qualified subjects) are left to the registry client.
package encryption
