package exporter

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The destination's configuration keys: those of Confluent's schema registry clients.
const (
	keyURL              = "schema.registry.url"
	keyBasicSource      = "basic.auth.credentials.source"
	keyBasicUserInfo    = "basic.auth.user.info"
	keyBearerSource     = "bearer.auth.credentials.source"
	keyBearerToken      = "bearer.auth.token"
	keySSLCA            = "schema.registry.ssl.ca.location"
	keySSLCert          = "schema.registry.ssl.certificate.location"
	keySSLKey           = "schema.registry.ssl.key.location"
	keySSLKeyPassword   = "schema.registry.ssl.key.password"
	keySSLHostCheck     = "schema.registry.ssl.endpoint.identification.algorithm"
	keySSLTrustLocation = "schema.registry.ssl.truststore.location"
	keySSLTrustType     = "schema.registry.ssl.truststore.type"
	keySSLKeyStore      = "schema.registry.ssl.keystore.location"
	sslPrefix           = "schema.registry."
)

// NewDestination returns the client of the registry that config describes. It reads
// schema.registry.url (a comma-separated list: the first that answers is used), basic
// authentication (basic.auth.credentials.source USER_INFO with basic.auth.user.info
// "user:password", or URL with the credentials in the URL), a static bearer token
// (bearer.auth.credentials.source STATIC_TOKEN with bearer.auth.token), and TLS from PEM
// files: schema.registry.ssl.ca.location, .certificate.location and .key.location (the same
// keys without "schema.registry." are accepted too). The host name is checked against the
// server's certificate unless schema.registry.ssl.endpoint.identification.algorithm is
// empty, as Java's clients do. Other keys are ignored. A bad value is an error naming its
// key, never quoting a secret.
func NewDestination(config map[string]string) (*Destination, error) {
	urls, urlAuth, err := destinationURLs(config[keyURL])
	if err != nil {
		return nil, err
	}
	authorization, err := destinationAuth(config, urlAuth)
	if err != nil {
		return nil, err
	}
	tlsConfig, err := destinationTLS(config)
	if err != nil {
		return nil, err
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   10 * time.Second,
		MaxIdleConns:          16,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
		ExpectContinueTimeout: time.Second,
	}
	return &Destination{
		urls:          urls,
		transport:     transport,
		client:        &http.Client{Transport: transport, CheckRedirect: noRedirects},
		authorization: authorization,
		maxAnswer:     maxAnswer,
	}, nil
}

// noRedirects makes a redirect an answer like any other: following one would send the
// credentials to wherever it points.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// destinationURLs parses the comma-separated list of base URLs. Credentials in a URL are
// taken out of it (returned as "user:password") so that they never appear in an error.
func destinationURLs(list string) (urls []string, userInfo string, err error) {
	if strings.TrimSpace(list) == "" {
		return nil, "", fmt.Errorf("%s is required", keyURL)
	}
	for i, raw := range strings.Split(list, ",") {
		raw = strings.TrimSpace(raw)
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, "", fmt.Errorf("%s: entry %d is not an http or https URL", keyURL, i+1)
		}
		if u.User != nil && userInfo == "" {
			password, _ := u.User.Password()
			userInfo = u.User.Username() + ":" + password
		}
		u.User = nil
		urls = append(urls, strings.TrimRight(u.String(), "/"))
	}
	return urls, userInfo, nil
}

// destinationAuth returns the Authorization header that the configuration asks for.
func destinationAuth(config map[string]string, urlUserInfo string) (string, error) {
	basic, err := basicAuth(config, urlUserInfo)
	if err != nil {
		return "", err
	}
	bearer, err := bearerAuth(config)
	if err != nil {
		return "", err
	}
	if basic != "" && bearer != "" {
		return "", fmt.Errorf("%s and %s are both set: choose one", keyBasicSource, keyBearerSource)
	}
	return basic + bearer, nil
}

// basicAuth reads basic.auth.credentials.source: USER_INFO takes basic.auth.user.info; URL
// (Java's default) the credentials of the URL. Without a source, basic.auth.user.info is
// used when set, then the URL's.
func basicAuth(config map[string]string, urlUserInfo string) (string, error) {
	userInfo := config[keyBasicUserInfo]
	switch source := strings.ToUpper(strings.TrimSpace(config[keyBasicSource])); source {
	case "USER_INFO":
		if userInfo == "" {
			return "", fmt.Errorf("%s is USER_INFO but %s is empty", keyBasicSource, keyBasicUserInfo)
		}
	case "URL":
		userInfo = urlUserInfo
	case "":
		if userInfo == "" {
			userInfo = urlUserInfo
		}
	default:
		return "", fmt.Errorf("%s: %q is not supported (USER_INFO or URL)", keyBasicSource, source)
	}
	if userInfo == "" {
		return "", nil
	}
	if !strings.Contains(userInfo, ":") {
		return "", fmt.Errorf("%s must be user:password", keyBasicUserInfo)
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(userInfo)), nil
}

// bearerAuth reads bearer.auth.credentials.source: only STATIC_TOKEN, whose token is
// bearer.auth.token, is supported (OAUTHBEARER would need a token endpoint client).
func bearerAuth(config map[string]string) (string, error) {
	switch source := strings.ToUpper(strings.TrimSpace(config[keyBearerSource])); source {
	case "":
		return "", nil
	case "STATIC_TOKEN":
		token := strings.TrimSpace(config[keyBearerToken])
		if token == "" {
			return "", fmt.Errorf("%s is STATIC_TOKEN but %s is empty", keyBearerSource, keyBearerToken)
		}
		return "Bearer " + token, nil
	default:
		return "", fmt.Errorf("%s: %q is not supported (STATIC_TOKEN)", keyBearerSource, source)
	}
}
