package exporter_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accord-registry/accord/api/exporter"
)

// authServer answers 200 only to the Authorization header want, 401 otherwise.
func authServer(t *testing.T, want string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != want {
			w.WriteHeader(401)
			w.Write([]byte(`{"error_code":401,"message":"Unauthorized"}`))
			return
		}
		w.Write([]byte(`[]`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestDestinationAuthentication checks basic authentication from basic.auth.user.info or
// from the URL, and a static bearer token.
func TestDestinationAuthentication(t *testing.T) {
	basic := authServer(t, "Basic YWxpY2U6czNjcjN0") // alice:s3cr3t
	bearer := authServer(t, "Bearer tok-123")
	hostOf := func(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "http://") }
	cases := map[string]map[string]string{
		"user info": {"schema.registry.url": basic.URL, "basic.auth.credentials.source": "USER_INFO", "basic.auth.user.info": "alice:s3cr3t"},
		"no source": {"schema.registry.url": basic.URL, "basic.auth.user.info": "alice:s3cr3t"},
		"url":       {"schema.registry.url": "http://alice:s3cr3t@" + hostOf(basic), "basic.auth.credentials.source": "URL"},
		"url only":  {"schema.registry.url": "http://alice:s3cr3t@" + hostOf(basic)},
		"bearer":    {"schema.registry.url": bearer.URL, "bearer.auth.credentials.source": "STATIC_TOKEN", "bearer.auth.token": "tok-123"},
	}
	for name, config := range cases {
		d := newDestination(t, config)
		if err := d.Do(context.Background(), http.MethodGet, "/subjects", nil, nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	d := newDestination(t, map[string]string{"schema.registry.url": basic.URL, "basic.auth.user.info": "alice:wrong"})
	err := d.Do(context.Background(), http.MethodGet, "/subjects", nil, nil)
	wantDestinationError(t, err, 401, 401)
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error quotes the password: %v", err)
	}
}

// TestDestinationConfigErrors checks that a bad value is refused with an error naming its
// key and never quoting a secret.
func TestDestinationConfigErrors(t *testing.T) {
	const secret = "hunter2"
	url := "http://127.0.0.1:1"
	cases := []struct {
		config map[string]string
		key    string
	}{
		{map[string]string{}, "schema.registry.url"},
		{map[string]string{"schema.registry.url": "ftp://x"}, "schema.registry.url"},
		{map[string]string{"schema.registry.url": url + ",:/" + secret + "@bad"}, "schema.registry.url"},
		{map[string]string{"schema.registry.url": "http://u:" + secret + "@host:%zz"}, "schema.registry.url"},
		{map[string]string{"schema.registry.url": url, "basic.auth.credentials.source": "USER_INFO"}, "basic.auth.user.info"},
		{map[string]string{"schema.registry.url": url, "basic.auth.credentials.source": "SASL_INHERIT"}, "basic.auth.credentials.source"},
		{map[string]string{"schema.registry.url": url, "basic.auth.user.info": secret}, "basic.auth.user.info"},
		{map[string]string{"schema.registry.url": url, "bearer.auth.credentials.source": "STATIC_TOKEN"}, "bearer.auth.token"},
		{map[string]string{"schema.registry.url": url, "bearer.auth.credentials.source": "OAUTHBEARER", "bearer.auth.client.secret": secret}, "bearer.auth.credentials.source"},
		{map[string]string{"schema.registry.url": url, "basic.auth.user.info": "a:" + secret, "bearer.auth.credentials.source": "STATIC_TOKEN", "bearer.auth.token": secret}, "bearer.auth.credentials.source"},
		{map[string]string{"schema.registry.url": url, "schema.registry.ssl.ca.location": "/does/not/exist"}, "schema.registry.ssl.ca.location"},
		{map[string]string{"schema.registry.url": url, "ssl.ca.location": "/does/not/exist"}, "ssl.ca.location"},
		{map[string]string{"schema.registry.url": url, "schema.registry.ssl.certificate.location": "/x.pem"}, "schema.registry.ssl.key.location"},
		{map[string]string{"schema.registry.url": url, "schema.registry.ssl.key.location": "/x.key"}, "schema.registry.ssl.certificate.location"},
		{map[string]string{"schema.registry.url": url, "schema.registry.ssl.key.password": secret}, "schema.registry.ssl.key.password"},
		{map[string]string{"schema.registry.url": url, "schema.registry.ssl.keystore.location": "/ks.jks"}, "schema.registry.ssl.keystore.location"},
		{map[string]string{"schema.registry.url": url, "schema.registry.ssl.truststore.location": "/ts.jks"}, "schema.registry.ssl.truststore.location"},
		{map[string]string{"schema.registry.url": url, "schema.registry.ssl.endpoint.identification.algorithm": "ldap"}, "schema.registry.ssl.endpoint.identification.algorithm"},
	}
	for _, c := range cases {
		_, err := exporter.NewDestination(c.config)
		if err == nil || !strings.Contains(err.Error(), c.key) || strings.Contains(err.Error(), secret) {
			t.Errorf("%v: got %v, want an error naming %s without the secret", c.config, err, c.key)
		}
	}
	if _, err := exporter.NewDestination(map[string]string{"schema.registry.url": url, "unknown.key": "x", "bearer.auth.logical.cluster": "lsrc-1"}); err != nil {
		t.Errorf("unknown keys: %v", err)
	}
}
