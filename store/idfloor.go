package store

import "encoding/json"

// SchemaID returns the schema id a record binds, or 0 when it binds none (another key type,
// a tombstone, a record that does not decode). The embedded log uses it to keep an id floor
// across damage and compaction (filelog's Config.Mark); Config.IDFloor brings that floor
// back to the store.
func SchemaID(rec Record) int64 {
	if rec.Value == nil {
		return 0
	}
	k, err := decodeKey(rec.Key)
	if err != nil || k.Type != keySchema {
		return 0
	}
	var v struct {
		ID int `json:"id"`
	}
	if json.Unmarshal(rec.Value, &v) != nil || v.ID < 0 {
		return 0
	}
	return int64(v.ID)
}

// Writable reports why the store cannot take writes now (a full disk under the embedded
// log), or nil. Reads are served either way.
func (s *Store) Writable() error {
	if s.cfg.Writable == nil {
		return nil
	}
	return s.cfg.Writable()
}
