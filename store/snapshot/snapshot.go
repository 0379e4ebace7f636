package snapshot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/accord-registry/accord/store"
)

// Meta identifies what a snapshot was taken from; a reader discards a snapshot whose Meta does
// not match the topic it is about to read.
type Meta struct {
	ClusterID string // Kafka cluster id
	Topic     string
	TopicID   string // Kafka topic UUID as a string ("" if unknown)
	Offset    int64  // offset of the last record the snapshot covers (records after it must be read from the topic)
	// TrustedText: its records were checked without parsing their text (store's
	// Config.TrustSchemaText), so an instance that parses must not take them unparsed.
	TrustedText bool
	// IDFloor is the highest schema id of the records the store rejected up to Offset, which
	// the snapshot leaves out: readers that check less may serve them, so their ids are never
	// allocated again (store's Config.IDFloor).
	IDFloor int64
}

// Write atomically replaces the snapshot file at path: write to a temp file in the same dir,
// fsync, rename, fsync the directory.
//
// recs must be sorted by strictly increasing, non-negative offsets no higher than meta.Offset,
// with non-nil keys, as [Compactor.Records] returns them; timestamps are kept to the
// millisecond. Write also removes temporary files an interrupted Write left for path. Calls
// for the same path must not overlap.
func Write(path string, meta Meta, recs []store.Record) error {
	if err := validate(meta, recs); err != nil {
		return fmt.Errorf("snapshot: write %s: %w", path, err)
	}
	removeTemps(path)
	tmp, err := os.CreateTemp(filepath.Dir(path), tempPrefix(path)+"*")
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := writeTemp(tmp, meta, recs); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("snapshot: write %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("snapshot: sync directory of %s after rename: %w", path, err)
	}
	return nil
}

// Read loads a snapshot. A missing file returns an error satisfying errors.Is(err,
// fs.ErrNotExist). A truncated or corrupt file returns an error (never a panic, never partial
// data).
//
// The records' keys and values share one buffer holding the file.
func Read(path string) (Meta, []store.Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Meta{}, nil, fmt.Errorf("snapshot: %w", err)
	}
	meta, recs, err := decode(data)
	if err != nil {
		return Meta{}, nil, fmt.Errorf("snapshot: read %s: %w", path, err)
	}
	return meta, recs, nil
}

// writeTemp writes the snapshot to tmp, makes it durable and closes it.
func writeTemp(tmp *os.File, meta Meta, recs []store.Record) error {
	err := encode(tmp, meta, recs)
	if err == nil {
		err = tmp.Sync()
	}
	return errors.Join(err, tmp.Close())
}

// tempPrefix is how the names of path's temporary files start: hidden, and never equal to
// path itself.
func tempPrefix(path string) string {
	return "." + filepath.Base(path) + ".tmp-"
}

// removeTemps removes the temporary files of path that interrupted Writes left behind. It is
// best effort: a file it cannot remove is removed by a later Write, and never read meanwhile.
func removeTemps(path string) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(path)
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// syncDir fsyncs the directory dir, making a rename in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
