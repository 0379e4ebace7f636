package store

import "maps"

// secretKmsProps are the kmsProps keys that carry KMS credentials, across the KMS drivers
// (Confluent's KmsPropsRedactor): a Vault token, AppRole secret id and keystore password, an
// AWS secret key, an Azure client secret, a GCP private key, a local KMS's secret. A KEK may
// hold them for its clients; the registry never answers them.
var secretKmsProps = []string{"token.id", "approle.secret.id", "ssl.keystore.password",
	"secret.access.key", "client.secret", "private.key", "secret"}

// RedactedKmsProp is the placeholder older clients send back for a secret they were shown
// hidden; an update that sends it keeps the stored secret.
const RedactedKmsProp = "[hidden]"

// Redacted returns the KEK as the API answers it: its kmsProps without the secrets, which
// are left out rather than replaced, since every KMS driver falls back to its own
// credentials when a key is absent.
func (k Kek) Redacted() Kek {
	if len(k.KmsProps) == 0 {
		return k
	}
	props := maps.Clone(k.KmsProps)
	for _, s := range secretKmsProps {
		delete(props, s)
	}
	k.KmsProps = props
	return k
}

// mergeKmsProps is the kmsProps an update sets: the requested ones, where a secret the
// request leaves out, or sends as the placeholder, keeps its stored value (a client updates
// the KEK it read back, without its secrets).
func mergeKmsProps(requested, stored map[string]string) map[string]string {
	out := copyProps(requested)
	for _, s := range secretKmsProps {
		if v, ok := out[s]; ok && v != RedactedKmsProp {
			continue
		}
		if v, ok := stored[s]; ok {
			out[s] = v
		} else {
			delete(out, s)
		}
	}
	return out
}
