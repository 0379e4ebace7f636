package main

import (
	"context"
	"io"
)

func (c *benchConfig) scaleKafkaStartup(ctx context.Context, out io.Writer, sc scaleCorpus) error {
	return nil
}
