package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestInFlightLimit: past MaxInFlight requests, the next is answered 429 at once with
// Confluent's body and Retry-After; probes still answer; a freed slot serves again.
func TestInFlightLimit(t *testing.T) {
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t), MaxInFlight: 2})
	started, release := make(chan struct{}, 2), make(chan struct{})
	e.GET("/test/hold", func(c echo.Context) error {
		started <- struct{}{}
		<-release
		return c.NoContent(http.StatusNoContent)
	})
	url := serveHTTP(t, e).URL
	held := make(chan answer, 2)
	for range 2 {
		go func() {
			got, _ := do(t, "GET", url+"/test/hold", "", nil)
			held <- got
		}()
		<-started
	}
	got, header := do(t, "GET", url+"/subjects", "", nil)
	if want := errorAnswer(429, 429, "Too many requests in flight; retry later"); got != want || header.Get("Retry-After") != "1" {
		t.Errorf("a request past the limit: %+v (Retry-After %q), want %+v", got, header.Get("Retry-After"), want)
	}
	if got, _ := do(t, "GET", url+"/healthz", "", nil); got.Status != 200 {
		t.Errorf("/healthz at the limit: %+v", got)
	}
	close(release)
	for range 2 {
		if got := <-held; got.Status != http.StatusNoContent {
			t.Errorf("a held request: %+v", got)
		}
	}
	if got, _ := do(t, "GET", url+"/subjects", "", nil); got.Status != 200 {
		t.Errorf("after the held requests ended: %+v, want 200", got)
	}
}

// TestRequestDeadline: a request still running when its deadline passes is answered 50002.
func TestRequestDeadline(t *testing.T) {
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t), RequestTimeout: 50 * time.Millisecond})
	e.GET("/test/stuck", func(c echo.Context) error {
		<-c.Request().Context().Done()
		return c.Request().Context().Err()
	})
	got, _ := do(t, "GET", serveHTTP(t, e).URL+"/test/stuck", "", nil)
	if want := errorAnswer(500, 50002, "Operation timed out"); got != want {
		t.Errorf("a request past its deadline: %+v, want %+v", got, want)
	}
}
