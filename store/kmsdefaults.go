package store

import (
	"maps"
	"slices"
	"strings"
	"unicode"
)

// The rule parameters of field encryption that a registration may leave for the registry to
// fill in.
const (
	paramKekName  = "encrypt.kek.name"
	paramKmsKeyID = "encrypt.kms.key.id"
	paramKmsType  = "encrypt.kms.type"
)

// withKmsDefaults is Confluent's EncryptionUpdateRequestHandler, which the DEK Registry
// installs for registrations (not for config updates): a domain rule that names a KMS key
// (encrypt.kms.key.id) but no KEK gets a KEK name derived from the key id, and one whose key
// id is an AWS ARN gets encrypt.kms.type aws-kms. rs itself is not changed.
func withKmsDefaults(rs *RuleSet) *RuleSet {
	if rs == nil || rs.DomainRules == nil {
		return rs
	}
	out := *rs
	out.DomainRules = slices.Clone(rs.DomainRules)
	for i, r := range out.DomainRules {
		keyID, ok := r.Params[paramKmsKeyID]
		if !ok {
			continue
		}
		_, hasKek := r.Params[paramKekName]
		_, hasType := r.Params[paramKmsType]
		if hasKek && hasType {
			continue
		}
		params := maps.Clone(r.Params)
		if !hasKek {
			params[paramKekName] = kekNameFor(keyID)
		}
		if !hasType && strings.HasPrefix(keyID, "arn:") {
			params[paramKmsType] = "aws-kms"
		}
		out.DomainRules[i].Params = params
	}
	return &out
}

// kekNameFor derives a KEK name from a KMS key id as Confluent's scrub does: without a
// leading "arn:", every character but letters, digits, '_' and '-' replaced by '-'. Java
// looks at UTF-16 units, so a character beyond the BMP is two of them and becomes "--".
func kekNameFor(keyID string) string {
	id := strings.TrimPrefix(keyID, "arn:")
	var b strings.Builder
	for _, c := range id {
		switch {
		case c > 0xffff:
			b.WriteString("--")
		case unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}
