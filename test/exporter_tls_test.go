package test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestExporterToTLSWithBasicAuth exports to a destination served over HTTPS with a CA of
// its own and HTTP Basic authentication, configured as Confluent's clients are
// (schema.registry.url https://…, basic.auth.credentials.source USER_INFO,
// basic.auth.user.info, schema.registry.ssl.ca.location). The password is not shown back by
// GET /exporters/{name}/config.
func TestExporterToTLSWithBasicAuth(t *testing.T) {
	t.Parallel()
	const name = "dr"
	bin := buildAccord(t)
	pki := newClientPKI(t)
	dstURL := startClientServe(t, bin, pki.httpClient(false),
		"--auth-file", writeUsersFile(t), "--tls-cert", pki.serverCert, "--tls-key", pki.serverKey)
	dst := jsonClient{base: dstURL, hc: &http.Client{Timeout: 30 * time.Second,
		Transport: basicAuthTransport{user: clientUser, password: clientPassword, next: pki.httpClient(false).Transport}}}
	src := startEmbedded(t, bin)
	for _, s := range linkSteps()[:3] {
		for _, r := range s.requests {
			mustCall(t, src.api(), r.method, r.path, r.body)
		}
	}
	createExporter(t, src.api(), linkDefinition(name, dstURL, map[string]string{
		"basic.auth.credentials.source":   "USER_INFO",
		"basic.auth.user.info":            clientUser + ":" + clientPassword,
		"schema.registry.ssl.ca.location": pki.caCert,
	}))
	waitExported(t, src.api(), name, time.Minute)
	checkLinked(t, "over TLS with basic auth", src.api(), inContext(dst, linkedContext), linkedPaths(t, src.api(), true))

	_, config, err := src.api().call(context.Background(), http.MethodGet, "/exporters/"+name+"/config", nil, nil)
	if err != nil || strings.Contains(string(config), clientPassword) {
		t.Errorf("GET /exporters/%s/config shows the password: %s %v", name, config, err)
	}
	// Without credentials the destination refuses: the copy above was authenticated.
	anonymous := jsonClient{base: dstURL, hc: pki.httpClient(false)}
	if status, body, err := anonymous.call(context.Background(), http.MethodGet, "/subjects", nil, nil); err != nil || status != http.StatusUnauthorized {
		t.Errorf("GET /subjects on the destination without credentials: %d %s %v, want 401", status, body, err)
	}
}

// basicAuthTransport adds HTTP Basic credentials to every request.
type basicAuthTransport struct {
	user, password string
	next           http.RoundTripper
}

func (b basicAuthTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.SetBasicAuth(b.user, b.password)
	return b.next.RoundTrip(req)
}
