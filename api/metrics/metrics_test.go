package metrics

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestLabelsAreBounded: 10,000 requests with distinct methods and distinct paths, matched
// and unmatched, leave the scrape as small as a handful of requests do. Every method
// outside HTTP's usual ones is counted as "other" and every unmatched path as "unmatched".
func TestLabelsAreBounded(t *testing.T) {
	m := New()
	e := echo.New()
	e.Use(m.Middleware)
	e.GET("/subjects/:subject/versions", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	e.Any("/any/:x", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	send := func(method, path string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Method = method
		e.ServeHTTP(httptest.NewRecorder(), req)
	}
	for _, method := range []string{"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE", "CONNECT", "BREW"} {
		send(method, "/subjects/s/versions")
		send(method, "/any/x")
		send(method, "/unknown")
	}
	before := scrapeSize(t, m)
	for i := range 10_000 {
		method := fmt.Sprintf("M%d%s", i, strings.Repeat("X", 200))
		send(method, fmt.Sprintf("/subjects/s%d/versions", i))
		send(method, fmt.Sprintf("/any/%d", i))
		send(method, fmt.Sprintf("/no/such/%d/route", i))
		send("GET", fmt.Sprintf("/no/such/%d/route", i))
		send(strings.ToLower(method), fmt.Sprintf("/subjects/s%d/versions", i))
	}
	after := scrapeSize(t, m)
	// The go_* and process_* gauges change their digits between scrapes; new series add
	// hundreds of bytes each.
	if after > before+2048 {
		t.Errorf("the scrape grew from %d to %d bytes after 10,000 distinct methods and paths", before, after)
	}
	body := scrape(t, m)
	for _, bad := range []string{"M1XX", "/no/such", "/subjects/s1", `method="m`} {
		if strings.Contains(body, bad) {
			t.Errorf("the scrape holds %q", bad)
		}
	}
	for _, want := range []string{`method="other"`, `route="unmatched"`, `route="/subjects/:subject/versions"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape lacks %s", want)
		}
	}
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d", rec.Code)
	}
	return rec.Body.String()
}

func scrapeSize(t *testing.T, m *Metrics) int { return len(scrape(t, m)) }

// TestOpenMetricsWhenAsked: a scraper that asks for OpenMetrics (as Prometheus does, for
// exemplars and _created series) gets it, with its content type and the closing "# EOF";
// one that asks for nothing in particular gets the text format.
func TestOpenMetricsWhenAsked(t *testing.T) {
	m := New()
	m.Registration("AVRO", "ok")
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/openmetrics-text") {
		t.Errorf("Content-Type %q, want application/openmetrics-text", ct)
	}
	body := rec.Body.String()
	if !strings.HasSuffix(body, "# EOF\n") {
		t.Errorf("an OpenMetrics scrape does not end with # EOF:\n…%s", body[max(0, len(body)-200):])
	}
	if !strings.Contains(body, "accord_registrations_created{") {
		t.Errorf("an OpenMetrics scrape lacks the counters' _created series")
	}

	rec = httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("without Accept: Content-Type %q, want text/plain", ct)
	}
}

// TestRequestsCountedByClass: each request is counted once under its route, method and
// status class, and timed once under its route and method, however many requests share
// the series.
func TestRequestsCountedByClass(t *testing.T) {
	m := New()
	e := echo.New()
	e.Use(m.Middleware)
	e.GET("/r/:code", func(c echo.Context) error {
		code := map[string]int{"ok": 200, "gone": 404, "bad": 500, "odd": 600}[c.Param("code")]
		return c.NoContent(code)
	})
	for path, n := range map[string]int{"/r/ok": 3, "/r/gone": 2, "/r/bad": 1, "/r/odd": 1, "/nowhere": 2} {
		for range n {
			e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
		}
	}
	body := scrape(t, m)
	for _, want := range []string{
		`accord_http_requests_total{code="2xx",method="GET",route="/r/:code"} 3`,
		`accord_http_requests_total{code="4xx",method="GET",route="/r/:code"} 2`,
		`accord_http_requests_total{code="5xx",method="GET",route="/r/:code"} 1`,
		`accord_http_requests_total{code="other",method="GET",route="/r/:code"} 1`,
		`accord_http_requests_total{code="4xx",method="GET",route="unmatched"} 2`,
		`accord_http_request_duration_seconds_count{method="GET",route="/r/:code"} 7`,
		`accord_http_request_duration_seconds_count{method="GET",route="unmatched"} 2`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("the scrape lacks %s", want)
		}
	}
	if strings.Contains(body, `code="1xx"`) || strings.Contains(body, `code="3xx"`) {
		t.Error("the scrape holds a class no request had")
	}
}
