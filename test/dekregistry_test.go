package test

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

var pythonDekLastLine = regexp.MustCompile(`^python dek client: (\d+) calls checked, (\d+) methods$`)

// TestPythonDekRegistryClient runs every method of confluent-kafka's DekRegistryClient, the
// DEK client of its FieldEncryptionExecutor, against a real Accord server.
func TestPythonDekRegistryClient(t *testing.T) {
	python := pythonClient(t)
	s := startServer(t, serverOptions{})
	start := time.Now()
	m := runClientScript(t, python, filepath.Join("clients", "python", "dek_registry.py"), []string{s.URL}, pythonDekLastLine)
	t.Logf("%s in %v", m[0], time.Since(start).Round(time.Millisecond))
}

// TestRegisterAddsKmsDefaults: a registration whose encryption rule names only a KMS key
// gets the KEK name and KMS type Confluent's EncryptionUpdateRequestHandler derives
// (RestApiTest.testRegisterCreatesKmsDefaults).
func TestRegisterAddsKmsDefaults(t *testing.T) {
	s := startServer(t, serverOptions{})
	body := `{"schema":"{\"type\":\"record\",\"name\":\"myrecord\",\"fields\":[{\"type\":\"string\",\"name\":\"f1\"}]}",` +
		`"ruleSet":{"domainRules":[{"name":"foo","mode":"WRITEREAD","type":"ENCRYPT",` +
		`"params":{"encrypt.kms.key.id":"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}]}}`
	if r := s.do("POST", "/subjects/testSubject/versions", body); r.Status != 200 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	r := s.do("GET", "/schemas/ids/1?subject=testSubject", nil)
	var got struct {
		RuleSet struct {
			DomainRules []struct {
				Params map[string]string `json:"params"`
			} `json:"domainRules"`
		} `json:"ruleSet"`
	}
	if err := json.Unmarshal(r.Body, &got); err != nil || len(got.RuleSet.DomainRules) != 1 {
		t.Fatalf("GET /schemas/ids/1: %d %s", r.Status, r.Body)
	}
	params := got.RuleSet.DomainRules[0].Params
	if params["encrypt.kek.name"] != "aws-kms-us-west-2-111122223333-key-1234abcd-12ab-34cd-56ef-1234567890ab" || params["encrypt.kms.type"] != "aws-kms" {
		t.Fatalf("params = %v", params)
	}
}
