package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api"
)

// The scale bench serves in this process: it opens a store of a million schemas directly,
// and compares lookups at that size with lookups at 1,000 schemas, both against the same
// in-process baseline, so its ratios are comparable with each other (the read phases of
// `accord bench` run the servers as child processes and measure their CPU instead).

// startRegistry runs Accord in this process on a loopback port.
func (c *benchConfig) startRegistry(ctx context.Context) (string, func(), error) {
	st, closeStore, err := c.openStore(ctx)
	if err != nil {
		return "", nil, err
	}
	url, stop, err := serveLoopback(api.New(api.Config{Store: st}))
	if err != nil {
		closeStore()
		return "", nil, err
	}
	return url, func() { stop(); closeStore() }, nil
}

// startBaseline serves the baseline: an echo handler answering a constant 60-byte JSON body.
func startBaseline() (string, func(), error) {
	body := []byte(`{"id":1,"schema":"\"string\"","padding":"xxxxxxxxxxxxxxxxxx"}`)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/baseline", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/vnd.schemaregistry.v1+json", body)
	})
	return serveLoopback(e)
}

func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
