package api

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
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

// trickle opens a connection to addr and sends a POST whose body of 100,000 bytes arrives one
// byte every 100ms, until the server answers or stop closes. It returns the status line of
// the answer, or "" when there was none.
func trickle(t *testing.T, addr string, stop <-chan struct{}) <-chan string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	status := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(conn).ReadString('\n')
		status <- strings.TrimSpace(line)
	}()
	go func() {
		defer conn.Close()
		fmt.Fprintf(conn, "POST /subjects/s/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	return status
}

// TestSlowBodiesReleaseSlots: 8 connections trickling their bodies against MaxInFlight 8 are
// answered 408 once BodyReadTimeout passes, so another client is served.
func TestSlowBodiesReleaseSlots(t *testing.T) {
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t), MaxInFlight: 8,
		BodyReadTimeout: 500 * time.Millisecond, RequestTimeout: 30 * time.Second})
	srv := serveHTTP(t, e)
	stop := make(chan struct{})
	var statuses []<-chan string
	for range 8 {
		statuses = append(statuses, trickle(t, srv.Listener.Addr().String(), stop))
	}
	defer close(stop)
	served := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got, _ := do(t, "GET", srv.URL+"/subjects", "", nil); got.Status == 200 {
			served = true
			break
		}
	}
	if !served {
		t.Fatal("a victim was not served within 10s while 8 connections trickled their bodies")
	}
	expect408(t, statuses, "")
}

// TestBodyReadTimeoutCappedByRequestTimeout: a RequestTimeout below the default
// BodyReadTimeout (the review's --request-timeout 5s) bounds body reads too, so trickled
// bodies do not hold every slot for the body timeout's 30s.
func TestBodyReadTimeoutCappedByRequestTimeout(t *testing.T) {
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t), MaxInFlight: 8,
		RequestTimeout: 500 * time.Millisecond})
	srv := serveHTTP(t, e)
	stop := make(chan struct{})
	var statuses []<-chan string
	for range 8 {
		statuses = append(statuses, trickle(t, srv.Listener.Addr().String(), stop))
	}
	defer close(stop)
	expect408(t, statuses, ", with a request timeout of 0.5s")
}

// expect408 waits up to 10 s for each trickling connection's status line, which must be 408;
// why says what bound the wait is about.
func expect408(t *testing.T, statuses []<-chan string, why string) {
	t.Helper()
	for i, status := range statuses {
		select {
		case got := <-status:
			if got != "HTTP/1.1 408 Request Timeout" {
				t.Errorf("trickling connection %d was answered %q, want 408", i, got)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("trickling connection %d got no answer within 10s%s", i, why)
		}
	}
}

// TestSlowBodyAnswer: a body that does not arrive in time gets 408 with Confluent's body,
// while a body that arrives in time leaves its handler all of RequestTimeout, and so does a
// request without a body.
func TestSlowBodyAnswer(t *testing.T) {
	const timeout = 300 * time.Millisecond
	e := New(Config{Store: openTestStore(t), Logger: testLogger(t), BodyReadTimeout: timeout})
	slow := func(c echo.Context) error {
		if _, err := io.ReadAll(c.Request().Body); err != nil {
			return err
		}
		select {
		case <-c.Request().Context().Done():
			return c.Request().Context().Err()
		case <-time.After(3 * timeout):
			return c.NoContent(http.StatusNoContent)
		}
	}
	e.GET("/test/slow", slow)
	e.POST("/test/slow", slow)
	srv := serveHTTP(t, e)
	if got, _ := do(t, "GET", srv.URL+"/test/slow", "", nil); got.Status != http.StatusNoContent {
		t.Errorf("a request without a body that takes longer than the body timeout: %+v", got)
	}
	if got, _ := do(t, "POST", srv.URL+"/test/slow", `{"a":1}`, nil); got.Status != http.StatusNoContent {
		t.Errorf("a request whose body came at once that takes longer than the body timeout: %+v", got)
	}

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST /subjects/s/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	want := errorAnswer(408, 408, "Request body not received within the body read timeout")
	if got := (answer{resp.StatusCode, resp.Header.Get("Content-Type"), string(body)}); got != want {
		t.Errorf("a body that stops: %+v, want %+v", got, want)
	}
}
