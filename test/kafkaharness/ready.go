package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

const (
	readyTimeout   = 90 * time.Second
	attemptTimeout = 2 * time.Second
)

// waitReady polls the broker until it serves metadata and grants a transactional producer ID,
// or fails early if the java process exits. An open port is not enough: the broker accepts
// connections before it is unfenced, and serves requests only after.
func waitReady(ctx context.Context, addr string, exited <-chan error) error {
	ctx, cancel := context.WithTimeoutCause(ctx, readyTimeout, fmt.Errorf("the broker was not ready within %s", readyTimeout))
	defer cancel()
	for {
		err := ping(ctx, addr)
		if err == nil {
			break
		}
		select {
		case werr := <-exited:
			return fmt.Errorf("the broker exited while starting (%v)", werr)
		case <-ctx.Done():
			return fmt.Errorf("%w (last attempt: %v)", context.Cause(ctx), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
	if err := checkTransactions(ctx, addr); err != nil {
		return err
	}
	features, err := finalizedFeatures(ctx, addr)
	if err != nil {
		return err
	}
	logf("finalized features: %s", features)
	return nil
}

// ping is one Metadata round trip, bounded by attemptTimeout.
func ping(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		return err
	}
	defer cl.Close()
	brokers, err := kadm.NewClient(cl).ListBrokers(ctx)
	if err != nil {
		return err
	}
	if len(brokers) == 0 {
		return errors.New("metadata lists no brokers")
	}
	return nil
}

// checkTransactions asks for a producer ID under a transactional ID, the first step of every
// transaction: it needs the transaction coordinator and its __transaction_state topic, which a
// replication setting above one broker would leave unavailable. The registry writes in
// transactions, so a broker without them is no use to the tests.
func checkTransactions(ctx context.Context, addr string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.TransactionalID("accord-kafkaharness-probe"))
	if err != nil {
		return err
	}
	defer cl.Close()
	if _, _, err := cl.ProducerID(ctx); err != nil {
		return fmt.Errorf("transactions do not work on this broker, and the registry needs them: "+
			"InitProducerID with a transactional ID failed: %w "+
			"(COORDINATOR_NOT_AVAILABLE means __transaction_state could not be created: see transaction.state.log.* in server.properties)", err)
	}
	return nil
}

// finalizedFeatures lists the cluster's feature levels (metadata.version, transaction.version,
// ...) as "name=level" pairs, from an ApiVersions response: they decide which protocol paths a
// client takes, e.g. kgo uses KIP-890 transactions only at transaction.version 2.
func finalizedFeatures(ctx context.Context, addr string) (string, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		return "", err
	}
	defer cl.Close()
	req := kmsg.NewPtrApiVersionsRequest()
	req.ClientSoftwareName = "kafkaharness"
	req.ClientSoftwareVersion = "1"
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return "", fmt.Errorf("ApiVersions: %w", err)
	}
	var pairs []string
	for _, f := range resp.FinalizedFeatures {
		pairs = append(pairs, fmt.Sprintf("%s=%d", f.Name, f.MaxVersionLevel))
	}
	slices.Sort(pairs)
	return strings.Join(pairs, " "), nil
}
