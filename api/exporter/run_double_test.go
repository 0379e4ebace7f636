package exporter

// A stand-in for H-dest's destination client and metrics, until their branch is merged.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/accord-registry/accord/store"
)

type Destination struct {
	url    string
	client *http.Client
}

func NewDestination(config map[string]string) (*Destination, error) {
	u := strings.Split(config["schema.registry.url"], ",")[0]
	if u == "" {
		return nil, errors.New("schema.registry.url: missing")
	}
	return &Destination{url: strings.TrimRight(u, "/"), client: &http.Client{}}, nil
}

type DestinationError struct {
	Status  int
	Code    int
	Message string
}

func (e *DestinationError) Error() string {
	return fmt.Sprintf("error_code %d: %s", e.Code, e.Message)
}

func (d *Destination) Do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := d.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		de := &DestinationError{Status: resp.StatusCode}
		var e struct {
			Code    int    `json:"error_code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &e)
		de.Code, de.Message = e.Code, e.Message
		return de
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func Retryable(err error) bool {
	var de *DestinationError
	if errors.As(err, &de) {
		return de.Status >= 500 || de.Status == 408 || de.Status == 429
	}
	return err != nil
}

func (d *Destination) Close() { d.client.CloseIdleConnections() }

func copyKeys(ctx context.Context, d *Destination, keys *store.Store, subjects map[string]string, kekRename string) (int, error) {
	return 0, nil
}

type Metrics struct{}

func (m *Metrics) SetState(name, state string)                         {}
func (m *Metrics) Copied(name string, n int)                           {}
func (m *Metrics) Failed(name string)                                  {}
func (m *Metrics) SetLag(name string, records int64, seconds float64) {}
func (m *Metrics) Forget(name string)                                  {}
