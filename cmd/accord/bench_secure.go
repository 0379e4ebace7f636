package main

// `accord bench --secure` answers the benchmark question of the production-readiness issue:
// how many id lookups per second the registry serves with HTTP Basic auth and TLS on, as a
// share of the same run with them off (the target is 60%).
//
// It is a mode of its own rather than a phase of every `accord bench` run because it needs
// the registry in this process (it serves one store twice, which --url cannot do), it would
// more than double the default run, and its answer does not depend on the other phases'.
//
// Both sides are `accord serve` itself: serveConfig.serveHTTP with serve's flag defaults
// (timeouts, in-flight limit, metrics), the secure side with --auth-file and --tls-cert/--tls-key
// on, so the ratio measures what an operator turns on and not a look-alike server. Both
// are served from the same store, asked for the same ids by the same number of clients whose
// transports differ only in TLS, and the secure side's requests only in their Authorization
// header.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/accord-registry/accord/api"
	"github.com/accord-registry/accord/api/auth"
	"github.com/accord-registry/accord/api/metrics"
	"github.com/accord-registry/accord/store"
)

// benchUser is the one user of the secure side's users file.
const benchUser = "bench"

// lookupTarget is one way of reaching the registry: where, with which client, and the
// Authorization header every request carries ("" for none).
type lookupTarget struct {
	name          string
	base          string
	client        *http.Client
	authorization string
}

// get asks for schema id and checks for a 200. Both sides go through here, so they build
// their requests and read their answers the same way.
func (t *lookupTarget) get(id int) error {
	resp, err := t.do("/schemas/ids/" + strconv.Itoa(id))
	return checkOK(resp, err)
}

// do sends a GET of path with the target's credentials, if any.
func (t *lookupTarget) do(path string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, t.base+path, nil)
	if err != nil {
		return nil, err
	}
	if t.authorization != "" {
		// Set directly rather than with SetBasicAuth: the header is encoded once, so the
		// client spends no more per request on the secure side than on the plain one.
		req.Header["Authorization"] = []string{t.authorization}
	}
	return t.client.Do(req)
}

// with is the target sending another Authorization header ("" for none).
func (t *lookupTarget) with(authorization string) *lookupTarget {
	u := *t
	u.authorization = authorization
	return &u
}

// secureEnv is one store served twice on 127.0.0.1: plain (HTTP, no auth) and secure (HTTPS
// with a self-signed certificate and Basic auth against a bcrypt users file).
type secureEnv struct {
	plain, secure *lookupTarget
	password      string
	bcryptCost    int
	stops         []func()
}

// startSecureEnv serves st twice. clients sizes both connection pools alike. stop undoes
// everything, also after a failure part way.
func startSecureEnv(st *store.Store, clients int) (env *secureEnv, err error) {
	env = &secureEnv{}
	defer func() {
		if err != nil {
			env.stop()
		}
	}()
	dir, err := os.MkdirTemp("", "accord-bench-secure-")
	if err != nil {
		return env, err
	}
	env.stops = append(env.stops, func() { os.RemoveAll(dir) })
	env.plain, err = env.start(serveDefaults(), st, "plain", "http", newBenchClient(clients))
	if err != nil {
		return env, err
	}
	sc := serveDefaults()
	if err := env.secureFlags(sc, dir); err != nil {
		return env, err
	}
	roots, err := caPool("tls-cert", sc.tls.certFile) // self-signed: its own root
	if err != nil {
		return env, err
	}
	env.secure, err = env.start(sc, st, "basic+tls", "https", newTLSBenchClient(clients, roots))
	if err != nil {
		return env, err
	}
	env.secure.authorization = basicAuthorization(benchUser, env.password)
	return env, nil
}

// serveDefaults is serve's configuration with every flag at its default, so both sides run
// with the timeouts, limits and defaults an operator gets. Nothing is read from the
// environment: an ACCORD_AUTH_FILE meant for serve must not turn auth on for the plain side.
func serveDefaults() *serveConfig {
	sc := serveFlags(flag.NewFlagSet("serve", flag.ContinueOnError))
	sc.shutdownTimeout = 5 * time.Second
	return sc
}

// secureFlags writes a users file and a certificate into dir and points serve's flags at
// them, as an operator would with --auth-file, --tls-cert and --tls-key.
func (e *secureEnv) secureFlags(sc *serveConfig, dir string) error {
	password, err := randomPassword()
	if err != nil {
		return err
	}
	e.password = password
	sc.authFile = filepath.Join(dir, "users.yaml")
	if e.bcryptCost, err = writeUsersFile(sc.authFile, benchUser, password); err != nil {
		return err
	}
	sc.tls.certFile, sc.tls.keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := writeLoopbackCert(sc.tls.certFile, sc.tls.keyFile); err != nil {
		return err
	}
	return sc.loadUsers()
}

// start runs serve's HTTP server with sc on a fresh loopback port over st, and waits until it
// answers /healthz (open without credentials) through client.
func (e *secureEnv) start(sc *serveConfig, st *store.Store, name, scheme string, client *http.Client) (*lookupTarget, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var serveErr error
	// Metrics on, as serve always has them; the collectors of store gauges and log write
	// latency are left out, since they cost nothing on a read.
	cfg := api.Config{Store: st, Metrics: metrics.New()}
	go func() {
		defer close(done)
		serveErr = sc.serveHTTP(ctx, ln, cfg, slog.New(slog.DiscardHandler))
	}()
	e.stops = append(e.stops, func() {
		cancel()
		ln.Close() // serveHTTP leaves it open when it fails before serving
		<-done
		client.CloseIdleConnections()
	})
	t := &lookupTarget{name: name, base: scheme + "://" + ln.Addr().String(), client: client}
	return t, waitHealthy(t, done, &serveErr)
}

// waitHealthy polls /healthz until it answers 200, serve stops (done, with *serveErr), or
// 10 s pass.
func waitHealthy(t *lookupTarget, done <-chan struct{}, serveErr *error) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := t.do("/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-done:
			return fmt.Errorf("%s server stopped: %v", t.name, *serveErr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s server not healthy after 10 s: %v", t.name, err)
		}
	}
}

// stop shuts both servers down and removes the files, in the reverse order of their start.
func (e *secureEnv) stop() {
	for _, s := range slices.Backward(e.stops) {
		s()
	}
	e.stops = nil
}

// newTLSBenchClient is newBenchClient trusting roots. Setting TLSClientConfig without
// ForceAttemptHTTP2 keeps the transport on HTTP/1.1, the protocol of the plain side (check
// verifies it), so the sides differ in TLS and nothing else: over HTTP/2 the clients would
// share one connection and the comparison would be of protocols too.
func newTLSBenchClient(clients int, roots *x509.CertPool) *http.Client {
	c := newBenchClient(clients)
	c.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	return c
}

func basicAuthorization(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

func randomPassword() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// writeUsersFile writes a users file of one user, hashed with bcrypt at its default cost as
// accord passwd does: the cost a real deployment pays when the credential cache misses. It
// returns that cost, for the report.
func writeUsersFile(path, user, password string) (int, error) {
	hash, err := auth.HashBcrypt(password)
	if err != nil {
		return 0, err
	}
	cost, err := bcrypt.Cost([]byte(hash))
	if err != nil {
		return 0, err
	}
	return cost, os.WriteFile(path, fmt.Appendf(nil, "users:\n  - name: %q\n    password: %q\n", user, hash), 0o600)
}

// writeLoopbackCert writes a self-signed ECDSA P-256 certificate for 127.0.0.1 and its key,
// made now and valid for a day. P-256 is the usual server key today; handshakes are left out
// of the rounds anyway (see secureRounds).
func writeLoopbackCert(certFile, keyFile string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: "accord bench"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   now.Add(-time.Minute), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
}

// check makes sure the secure side is what it claims before it is measured: schema 1 (it
// must exist) is served over TLS 1.2 or later on HTTP/1.1 with the right credentials; 401
// without credentials or with a wrong password; plain HTTP to its port gets no answer; and
// the plain side answers without credentials or TLS. Otherwise the ratio could quietly be
// of two open servers. It describes the secure side's connection.
func (e *secureEnv) check() (string, error) {
	resp, err := e.secure.do("/schemas/ids/1")
	if err := checkOK(resp, err); err != nil {
		return "", fmt.Errorf("%s with credentials: %w", e.secure.name, err)
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 || resp.ProtoMajor != 1 {
		return "", fmt.Errorf("%s answered over %s without TLS 1.2 or later, want HTTP/1.1 over TLS", e.secure.name, resp.Proto)
	}
	desc := fmt.Sprintf("%s, %s, %s", tls.VersionName(resp.TLS.Version), tls.CipherSuiteName(resp.TLS.CipherSuite), resp.Proto)
	refused := map[string]*lookupTarget{
		"without credentials":   e.secure.with(""),
		"with a wrong password": e.secure.with(basicAuthorization(benchUser, e.password+"x")),
	}
	for how, t := range refused {
		if got := statusOf(t, "/schemas/ids/1"); got != http.StatusUnauthorized {
			return "", fmt.Errorf("%s %s: %d, want 401", e.secure.name, how, got)
		}
	}
	overHTTP := &lookupTarget{client: e.plain.client, base: "http" + e.secure.base[len("https"):]}
	if got := statusOf(overHTTP, "/schemas/ids/1"); got == http.StatusOK {
		return "", fmt.Errorf("%s over plain HTTP: 200, want it refused", e.secure.name)
	}
	resp, err = e.plain.do("/schemas/ids/1")
	if err := checkOK(resp, err); err != nil {
		return "", fmt.Errorf("%s without credentials: %w", e.plain.name, err)
	}
	if resp.TLS != nil {
		return "", fmt.Errorf("%s answered over TLS, want plain HTTP", e.plain.name)
	}
	return desc, nil
}

// statusOf is the status of a GET, 0 when there is no HTTP answer.
func statusOf(t *lookupTarget, path string) int {
	resp, err := t.do(path)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// targets are both sides, plain first.
func (e *secureEnv) targets() []*lookupTarget { return []*lookupTarget{e.plain, e.secure} }

// lookupID is the id worker w asks for in its i-th request: the sequence spreads the
// workers over all schemas, and is the same for every target.
func (c *benchConfig) lookupID(w, i int) int { return 1 + (w*7919+i)%c.schemas }

// lookups runs GET /schemas/ids/{id} against t from c.clients clients for d.
func (c *benchConfig) lookups(ctx context.Context, t *lookupTarget, d time.Duration) (float64, error) {
	rate, err := runFor(ctx, d, c.clients, func(w, i int) error { return t.get(c.lookupID(w, i)) })
	if err != nil {
		return 0, fmt.Errorf("%s: GET /schemas/ids: %w", t.name, err)
	}
	return rate, nil
}

// secureRound is one measurement of each side.
type secureRound struct{ plain, secure float64 }

func (r secureRound) ratio() float64 { return r.secure / r.plain }

// runSecure is `accord bench --secure`.
func (c *benchConfig) runSecure(ctx context.Context, out io.Writer) error {
	if c.url != "" {
		return errors.New("--secure serves its own registry twice, with and without auth and TLS: it cannot measure --url")
	}
	if c.rounds < 1 || c.slice <= 0 || c.duration <= 0 || c.warmup <= 0 {
		return fmt.Errorf("--secure needs --rounds ≥ 1 and a positive --duration, --slice and --warmup")
	}
	st, closeStore, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	env, err := startSecureEnv(st, c.clients)
	if err != nil {
		return err
	}
	defer env.stop()
	fmt.Fprintf(out, "accord bench --secure: GET /schemas/ids/{id}, %d clients, %d schemas, %d rounds of %s per side in alternating %s slices\n", c.clients, c.schemas, c.rounds, c.duration, min(c.slice, c.duration))
	if err := c.fill(ctx, out, env.plain); err != nil {
		return err
	}
	desc, err := env.check()
	if err != nil {
		return fmt.Errorf("the secure side is not what it should be: %w", err)
	}
	fmt.Fprintf(out, "%s: HTTPS (%s, self-signed P-256) with Basic auth (bcrypt cost %d); 401 without credentials, plain HTTP refused\n", env.secure.name, desc, env.bcryptCost)
	rounds, err := c.secureRounds(ctx, out, env)
	if err != nil {
		return err
	}
	return c.secureVerdict(out, rounds)
}

// fill registers c.schemas schemas through the plain side, so that every id the rounds ask
// for exists.
func (c *benchConfig) fill(ctx context.Context, out io.Writer, plain *lookupTarget) error {
	reg, err := c.registerAll(ctx, plain.client, plain.base)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-22s %10.0f /s\n", "registrations (fsync)", reg)
	return nil
}

// secureRounds warms both sides up, then measures them c.rounds times.
func (c *benchConfig) secureRounds(ctx context.Context, out io.Writer, env *secureEnv) ([]secureRound, error) {
	// The warm-up opens the keep-alive connections, with their TLS handshakes on the secure
	// side: a cost paid once per connection, not per request, so left out of the rounds.
	// The credential cache already holds the pair, since check's request verified it with
	// bcrypt, which is what a client's first request pays.
	warm, err := c.secureRound(ctx, env, c.warmup)
	if err != nil {
		return nil, err
	}
	printRound(out, fmt.Sprintf("warm-up (%s)", c.warmup), warm)
	rounds := make([]secureRound, 0, c.rounds)
	for r := 0; r < c.rounds; r++ {
		round, err := c.secureRound(ctx, env, c.duration)
		if err != nil {
			return nil, err
		}
		printRound(out, fmt.Sprintf("round %d", r+1), round)
		rounds = append(rounds, round)
	}
	return rounds, nil
}

// secureRound measures each side for d in all, in slices of c.slice that alternate between
// the sides in the order plain, secure, secure, plain, plain, secure…: on a shared machine
// other work comes in bursts of seconds, and slices shorter than a burst let it slow both
// sides alike instead of whichever side it happens to fall on; the alternating order keeps
// either side from always running just after the other (warm caches, a GC cycle the other
// side's garbage started). A side's rate is the mean of its slices' rates, which all last
// as long.
func (c *benchConfig) secureRound(ctx context.Context, env *secureEnv, d time.Duration) (secureRound, error) {
	slice := min(c.slice, d)
	n := max(1, int((d+slice/2)/slice))
	var sum secureRound
	for k := 0; k < n; k++ {
		targets := env.targets()
		if k%2 == 1 {
			slices.Reverse(targets)
		}
		for _, t := range targets {
			if err := ctx.Err(); err != nil {
				return secureRound{}, err // interrupted: a slice cut short is no measurement
			}
			rate, err := c.lookups(ctx, t, slice)
			if err != nil {
				return secureRound{}, err
			}
			if t == env.plain {
				sum.plain += rate
			} else {
				sum.secure += rate
			}
		}
	}
	return secureRound{plain: sum.plain / float64(n), secure: sum.secure / float64(n)}, nil
}

func printRound(out io.Writer, label string, r secureRound) {
	fmt.Fprintf(out, "%-22s plain %8.0f /s   basic+tls %8.0f /s   %5.1f%%\n", label, r.plain, r.secure, 100*r.ratio())
}

// secureVerdict prints the medians and fails when the median ratio is below c.minRatio. The
// median of the per-round ratios, each of two measurements interleaved over the same
// seconds, is less swayed by a burst of other work on the machine than the ratio of the
// mean rates.
func (c *benchConfig) secureVerdict(out io.Writer, rounds []secureRound) error {
	med := secureRound{
		plain:  median(rounds, func(r secureRound) float64 { return r.plain }),
		secure: median(rounds, func(r secureRound) float64 { return r.secure }),
	}
	ratio := median(rounds, secureRound.ratio)
	verdict := "met"
	if ratio < c.minRatio {
		verdict = "NOT met"
	}
	fmt.Fprintf(out, "%-22s plain %8.0f /s   basic+tls %8.0f /s   %5.1f%% (median of the rounds' ratios)\n", "median", med.plain, med.secure, 100*ratio)
	fmt.Fprintf(out, "target basic+tls ≥ %.0f%% of plain: %s\n", 100*c.minRatio, verdict)
	if ratio < c.minRatio {
		return fmt.Errorf("id lookups with Basic auth and TLS at %.1f%% of plain, below the %.0f%% target", 100*ratio, 100*c.minRatio)
	}
	return nil
}
