package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/store"
)

// Pauses of a write waiting for an election: the Leadership is looked at again after
// electionPoll, and a write refused with 50004 is tried again after a pause that doubles from
// retryPause to maxRetryPause, so that an instance whose view lags (it still names a leader
// that knows it was deposed) is not sent the write over and over.
const (
	electionPoll  = 10 * time.Millisecond
	retryPause    = 10 * time.Millisecond
	maxRetryPause = 200 * time.Millisecond
)

// writeThroughElection makes elections invisible to a writer: a write that arrives while no
// leader is known (an instance starting, a failover, a rebalance during a rolling restart)
// waits for one, and a write refused with 50004 (by this instance's store, or by the leader it
// was forwarded to, because that leader was deposed meanwhile) or sent to a leader that cannot
// be reached (it is shutting down) is tried again once the election has settled: handled here
// if this instance won, forwarded otherwise. Confluent's KafkaSchemaRegistry answers 50004 (or
// 50003) at once.
//
// The waiting is bounded by Config.WriteTimeout from the write's arrival, and ends when the
// client gives up (the request's context): past it the last answer stands, 50004 or 50003.
// Each attempt is bounded as before: the store's own write timeout, ForwardTimeout for a
// forwarded one.
//
// A write is tried again only when it cannot have been done: a 50004 comes before the store
// decides, or from a transaction that was fenced and aborted, and a refused connection
// carried nothing. The exceptions are a fenced commit whose outcome the producer never learnt
// (the new leader's fencing may complete it rather than abort it) and a connection the leader
// closed unanswered (resendable): a registration or a config sent again then answers as the
// first would have, as it does when the client itself retries.
func (h *handlers) writeThroughElection(c echo.Context, op string, next echo.HandlerFunc) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	deadline := time.Now().Add(h.cfg.WriteTimeout)
	pause := retryPause
	for {
		leader, self, err := awaitLeader(ctx, h.cfg.Leadership, deadline)
		if err != nil {
			return err
		}
		var outcome attempt
		if self {
			outcome = h.handleHere(c, next, body)
		} else {
			outcome = h.sendToLeader(c, leader, op, body)
			outcome.resendable = resendable(op)
		}
		if !outcome.retryable() || !time.Now().Before(deadline) || ctx.Err() != nil {
			return outcome.finish(c)
		}
		h.cfg.Logger.Debug("write refused by a deposed or unreachable leader; waiting for the election", "op", op,
			"leader", leader, "self", self, "request_id", c.Response().Header().Get(headerRequestID))
		if !sleepAtMost(ctx, pause, deadline) {
			return outcome.finish(c)
		}
		pause = min(2*pause, maxRetryPause)
	}
}

// attempt is the outcome of one try of a write: the local handler's error, or the leader's
// answer.
type attempt struct {
	err       error         // the handler's error, or the failure to forward
	forwarded *leaderAnswer // the leader's answer, when the write was forwarded and answered
	final     bool          // the handler had begun its answer
	// resendable is set for the writes that answer alike when done twice.
	resendable bool
}

// retryable reports whether the write may be tried again once the election settles: it
// failed with 50004 before anything was written to the client, or the leader it was
// forwarded to could not be reached at all (it is shutting down, and will be replaced).
func (a attempt) retryable() bool {
	if a.final {
		return false
	}
	var fe *forwardError
	if errors.As(a.err, &fe) {
		return fe.unreached || a.resendable && fe.lostConnection
	}
	if a.forwarded != nil {
		return a.forwarded.status == http.StatusInternalServerError && errorCode(a.forwarded.body) == int(store.CodeUnknownLeader)
	}
	var se *store.Error
	return errors.As(a.err, &se) && se.Code == store.CodeUnknownLeader
}

// finish answers the client with the attempt's outcome.
func (a attempt) finish(c echo.Context) error {
	if a.forwarded != nil {
		return relay(c, *a.forwarded)
	}
	return a.err
}

// resendable reports whether a write of kind op may be sent to the leader again after its
// connection broke with no answer (the leader shut down as it arrived): done twice, it gives
// the same outcome. Registering a schema again answers the same id; setting a config or mode
// again changes nothing. A delete or a create would answer "not found" or "exists" the second
// time, so they are not resent.
func resendable(op string) bool {
	switch op {
	case "register schema", "update config", "update mode":
		return true
	}
	return false
}

// handleHere runs the write on this instance, the leader, with the body read before. An
// error after the answer had begun is final: it cannot be tried again.
func (h *handlers) handleHere(c echo.Context, next echo.HandlerFunc, body []byte) attempt {
	c.Request().Body = io.NopCloser(bytes.NewReader(body))
	err := next(c)
	return attempt{err: err, final: c.Response().Committed}
}

// sendToLeader forwards the write to leader once; a successful answer waits until this
// instance has applied the write, so the client reads it here at once.
func (h *handlers) sendToLeader(c echo.Context, leader, op string, body []byte) attempt {
	if err := h.checkLeader(leader, op); err != nil {
		return attempt{err: err}
	}
	answer, err := h.forwardTo(c, leader, op, body)
	if err != nil {
		return attempt{err: err}
	}
	if answer.status >= 200 && answer.status < 300 {
		h.catchUp(c, answer)
	}
	return attempt{forwarded: &answer}
}

// awaitReady holds a request other than GET and HEAD, up to the write timeout, while this
// instance has not caught up with its log (it has just started), instead of readyGate's
// 503 at once: the write is then taken through the election like any other.
func awaitReady(ready func() bool, timeout time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Method == http.MethodGet || req.Method == http.MethodHead || ready() {
				return next(c)
			}
			deadline := time.Now().Add(timeout)
			for !ready() && time.Now().Before(deadline) && sleepAtMost(req.Context(), electionPoll, deadline) {
			}
			return next(c) // readyGate answers 503 if still not ready
		}
	}
}

// awaitLeader returns the leader once one is known, looking every electionPoll. Past deadline
// it fails with 50004; when ctx ends (the client gave up, or the request's own deadline
// passed) with ctx's error.
func awaitLeader(ctx context.Context, l Leadership, deadline time.Time) (string, bool, error) {
	for {
		leader, self := l.Leader()
		if self || leader != "" {
			return leader, self, nil
		}
		if !time.Now().Before(deadline) {
			return "", false, errUnknownLeader()
		}
		if !sleepAtMost(ctx, electionPoll, deadline) {
			return "", false, waitEnded(ctx)
		}
	}
}

// waitEnded is the error of a wait whose request ended: the request's deadline is 50002, as
// for every request; a client that went away gets 50004, the reason it was waiting.
func waitEnded(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ctx.Err()
	}
	return store.Wrap(store.CodeUnknownLeader, ctx.Err(), "Leader not known.")
}

// sleepAtMost waits for d, or until deadline if that comes first, and reports false if ctx
// ended first.
func sleepAtMost(ctx context.Context, d time.Duration, deadline time.Time) bool {
	timer := time.NewTimer(min(d, time.Until(deadline)))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// errorCode returns the error_code of a Confluent error body, or 0.
func errorCode(body []byte) int {
	var e struct {
		Code int `json:"error_code"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Code
}
