package store

import (
	"strings"
	"testing"
)

// TestRuleSetValidationAsConfluent pins RuleSet.validate's order and messages.
func TestRuleSetValidationAsConfluent(t *testing.T) {
	for name, tc := range map[string]struct {
		rs   RuleSet
		want string // "" for valid
	}{
		"unicode name":        {RuleSet{DomainRules: []Rule{{Name: "règle_1-é", Type: "CEL"}}}, ""},
		"bad first character": {RuleSet{DomainRules: []Rule{{Name: "1bad", Type: "CEL"}}}, "Illegal initial character in rule name: 1bad"},
		"bad character":       {RuleSet{DomainRules: []Rule{{Name: "a.b", Type: "CEL"}}}, "Illegal character in rule name: a.b"},
		"missing name":        {RuleSet{DomainRules: []Rule{{Type: "CEL"}}}, "Missing rule name"},
		"long name":           {RuleSet{DomainRules: []Rule{{Name: strings.Repeat("é", 257), Type: "CEL"}}}, "Rule name too long"},
		"256 UTF-16 units":    {RuleSet{DomainRules: []Rule{{Name: strings.Repeat("é", 256), Type: "CEL"}}}, ""},
		"missing type":        {RuleSet{DomainRules: []Rule{{Name: "a"}}}, "Missing rule type"},
		"duplicate before invalid": {RuleSet{MigrationRules: []Rule{{Name: "1x", Type: "JSONATA", Mode: "UPGRADE"}}, DomainRules: []Rule{{Name: "1x", Type: "CEL"}}},
			"Illegal initial character in rule name: 1x"},
		"duplicate across groups": {RuleSet{MigrationRules: []Rule{{Name: "a", Type: "JSONATA", Mode: "UPGRADE"}}, DomainRules: []Rule{{Name: "a", Type: "CEL"}}},
			"Found rule with duplicate name 'a'"},
		"actions before mode": {RuleSet{MigrationRules: []Rule{{Name: "m", Type: "JSONATA", Mode: "WRITE", OnFailure: "ERROR,NONE"}}},
			"Multiple actions only valid with WRITEREAD and UPDOWN"},
		"migration mode": {RuleSet{MigrationRules: []Rule{{Name: "m", Type: "JSONATA", Mode: "WRITE"}}}, "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN"},
		"domain mode":    {RuleSet{DomainRules: []Rule{{Name: "d", Type: "CEL", Mode: "UPGRADE"}}}, "Domain rules can only be WRITE, READ, WRITEREAD"},
		"encoding mode":  {RuleSet{EncodingRules: []Rule{{Name: "e", Type: "ENCRYPT_PAYLOAD", Mode: "UPDOWN"}}}, "Encoding rules can only be WRITE, READ, WRITEREAD"},
		"default mode":   {RuleSet{MigrationRules: []Rule{{Name: "m", Type: "JSONATA"}}}, "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN"},
	} {
		err := normalizeRuleSet(&tc.rs)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.want != "" && (err == nil || err.(*Error).Code != CodeInvalidRuleSet || err.(*Error).Message != tc.want):
			t.Errorf("%s: got %v, want 42210 %q", name, err, tc.want)
		}
	}
}

// TestKmsDefaults pins EncryptionUpdateRequestHandler: the KEK name derived from the key id,
// aws-kms for an ARN, and rules left alone when they name their KEK and type.
func TestKmsDefaults(t *testing.T) {
	arn := "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	in := &RuleSet{DomainRules: []Rule{
		{Name: "a", Type: "ENCRYPT", Params: map[string]string{paramKmsKeyID: arn}},
		{Name: "b", Type: "ENCRYPT", Params: map[string]string{paramKmsKeyID: "projects/p/keys/k", paramKmsType: "gcp-kms"}},
		{Name: "c", Type: "ENCRYPT", Params: map[string]string{paramKmsKeyID: arn, paramKekName: "mine"}},
		{Name: "d", Type: "ENCRYPT", Params: map[string]string{paramKmsKeyID: "x", paramKekName: "k", paramKmsType: "t"}},
		{Name: "e", Type: "CEL"},
		{Name: "f", Type: "ENCRYPT", Params: map[string]string{paramKmsKeyID: "ключ/😀"}},
	}}
	out := withKmsDefaults(in)
	want := []map[string]string{
		{paramKmsKeyID: arn, paramKekName: "aws-kms-us-west-2-111122223333-key-1234abcd-12ab-34cd-56ef-1234567890ab", paramKmsType: "aws-kms"},
		{paramKmsKeyID: "projects/p/keys/k", paramKmsType: "gcp-kms", paramKekName: "projects-p-keys-k"},
		{paramKmsKeyID: arn, paramKekName: "mine", paramKmsType: "aws-kms"},
		{paramKmsKeyID: "x", paramKekName: "k", paramKmsType: "t"},
		nil,
		{paramKmsKeyID: "ключ/😀", paramKekName: "ключ---"},
	}
	for i, r := range out.DomainRules {
		if len(r.Params) != len(want[i]) {
			t.Errorf("rule %s: params %v, want %v", r.Name, r.Params, want[i])
			continue
		}
		for k, v := range want[i] {
			if r.Params[k] != v {
				t.Errorf("rule %s: %s = %q, want %q", r.Name, k, r.Params[k], v)
			}
		}
	}
	if len(in.DomainRules[0].Params) != 1 {
		t.Errorf("the request's rule set was changed: %v", in.DomainRules[0].Params)
	}
}
