package exporter

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/accord-registry/accord/store"
)

func TestIsSecretKey(t *testing.T) {
	for key, want := range map[string]bool{
		"basic.auth.user.info":                                  true,
		"bearer.auth.token":                                     true,
		"bearer.auth.client.secret":                             true,
		"schema.registry.ssl.key.password":                      true,
		"ssl.keystore.key":                                      true,
		"schema.registry.ssl.keystore.key":                      true,
		"schema.registry.url":                                   false,
		"basic.auth.credentials.source":                         false,
		"schema.registry.ssl.key.location":                      false,
		"bearer.auth.client.id":                                 false,
		"schema.registry.ssl.ca.location":                       false,
		"schema.registry.ssl.endpoint.identification.algorithm": false,
	} {
		if got := IsSecretKey(key); got != want {
			t.Errorf("IsSecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

var withSecrets = map[string]string{
	URLKey:                          "https://dr.example:8081",
	"basic.auth.credentials.source": "USER_INFO",
	"basic.auth.user.info":          "exporter:s3cr3t-pw",
	"bearer.auth.token":             "tok-123456",
}

// TestSecretsEncryptedAtRest: with a secret, the stored record holds no credential, the API
// answers them masked, and Decrypt gives them back.
func TestSecretsEncryptedAtRest(t *testing.T) {
	st, log := openLog(t)
	m := NewManager(NewCatalog(st, st), ManagerConfig{Secret: "encoder-secret"})
	ctx := context.Background()
	must(t, "create", m.Create(ctx, store.Exporter{Name: "e", Config: withSecrets}))

	var stored strings.Builder
	if err := log.ReadFrom(0, func(r store.Record) error { stored.Write(r.Value); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"s3cr3t-pw", "tok-123456"} {
		if strings.Contains(stored.String(), secret) {
			t.Errorf("the log holds %q in clear: %s", secret, stored.String())
		}
	}
	if !strings.Contains(stored.String(), "https://dr.example:8081") {
		t.Errorf("the URL is not stored in clear: %s", stored.String())
	}

	raw, err := st.Exporter(ctx, "e")
	must(t, "read the store", err)
	if raw.Config["basic.auth.user.info"] == withSecrets["basic.auth.user.info"] {
		t.Error("the store's definition holds the user info in clear")
	}
	clear, err := m.Decrypt(raw)
	must(t, "decrypt", err)
	if diff := cmp.Diff(withSecrets, clear.Config); diff != "" {
		t.Errorf("decrypted config (-want +got):\n%s", diff)
	}

	cfg, err := m.Config(ctx, "e")
	must(t, "config", err)
	if cfg["basic.auth.user.info"] != Masked || cfg["bearer.auth.token"] != Masked || cfg[URLKey] != withSecrets[URLKey] {
		t.Errorf("GET config = %v, want the secrets masked", cfg)
	}

	other := NewManager(NewCatalog(st, st), ManagerConfig{Secret: "another"})
	if _, err := other.Decrypt(raw); err == nil {
		t.Error("another secret decrypted the config")
	}
	if _, err := NewManager(NewCatalog(st, st), ManagerConfig{}).Decrypt(raw); err == nil {
		t.Error("no secret decrypted the config")
	}
}

// TestMaskedValueKeepsSecret: a config written back as it was read (masked) keeps the
// stored credentials; a new value replaces them; a key left out is removed.
func TestMaskedValueKeepsSecret(t *testing.T) {
	for _, secret := range []string{"", "encoder-secret"} {
		m, cat := newTestManager(t, ManagerConfig{Secret: secret})
		ctx := context.Background()
		must(t, "create", m.Create(ctx, store.Exporter{Name: "e", Config: withSecrets}))
		must(t, "pause", m.Pause(ctx, "e"))
		read, _ := m.Config(ctx, "e")
		delete(read, "bearer.auth.token")
		read[URLKey] = "https://dr2.example"
		must(t, "put config", m.SetConfig(ctx, "e", read))
		raw, _ := cat.Configs.Exporter(ctx, "e")
		clear, err := m.Decrypt(raw)
		must(t, "decrypt", err)
		want := map[string]string{URLKey: "https://dr2.example", "basic.auth.credentials.source": "USER_INFO",
			"basic.auth.user.info": "exporter:s3cr3t-pw"}
		if diff := cmp.Diff(want, clear.Config); diff != "" {
			t.Errorf("secret %q: config (-want +got):\n%s", secret, diff)
		}
		cfg := map[string]string{URLKey: "https://dr2.example", "basic.auth.user.info": "new:pw"}
		must(t, "update config", m.Update(ctx, "e", Update{Config: &cfg}))
		raw, _ = cat.Configs.Exporter(ctx, "e")
		clear, _ = m.Decrypt(raw)
		if diff := cmp.Diff(cfg, clear.Config); diff != "" {
			t.Errorf("secret %q: updated config (-want +got):\n%s", secret, diff)
		}
		if secret != "" && raw.Config["basic.auth.user.info"] == "new:pw" {
			t.Error("an updated secret is stored in clear")
		}
	}
}

// TestURLCredentialsNeverAnswered: credentials written in the destination's URL
// (http://user:password@host, which the destination client accepts) are a secret like
// basic.auth.user.info: GET answers the password masked, the record holds it encrypted
// when there is a secret, an error message never quotes it, and the URL written back as it
// was read keeps the password.
func TestURLCredentialsNeverAnswered(t *testing.T) {
	ctx := context.Background()
	withURLSecret := map[string]string{URLKey: "https://u:p4ss@dr.example:8081/,https://dr2.example"}
	st, log := openLog(t)
	m := NewManager(NewCatalog(st, st), ManagerConfig{Secret: "encoder-secret"})
	must(t, "create", m.Create(ctx, store.Exporter{Name: "e", Config: withURLSecret}))
	got, err := m.Get(ctx, "e")
	must(t, "get", err)
	if want := "https://u:" + Masked + "@dr.example:8081/,https://dr2.example"; got.Config[URLKey] != want {
		t.Errorf("GET answers the URL %q, want %q", got.Config[URLKey], want)
	}
	var stored strings.Builder
	if err := log.ReadFrom(0, func(r store.Record) error { stored.Write(r.Value); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored.String(), "p4ss") {
		t.Errorf("the log holds the URL's password in clear: %s", stored.String())
	}
	must(t, "pause", m.Pause(ctx, "e"))
	must(t, "put config back", m.SetConfig(ctx, "e", got.Config))
	raw, _ := st.Exporter(ctx, "e")
	clear, err := m.Decrypt(raw)
	must(t, "decrypt", err)
	if clear.Config[URLKey] != withURLSecret[URLKey] {
		t.Errorf("the URL written back as read became %q", clear.Config[URLKey])
	}
	for _, bad := range []string{"ftp://u:p4ss@dr.example", "u:p4ss@dr.example"} {
		err = m.Create(ctx, store.Exporter{Name: "bad", Config: map[string]string{URLKey: bad}})
		if err == nil || strings.Contains(err.Error(), "p4ss") {
			t.Errorf("create with the bad URL %s: %v", bad, err)
		}
	}
}
