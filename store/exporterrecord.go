package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// The records of the exporters' store. Confluent's record formats for `_exporter_configs`
// and `_exporter_states` are not published; Accord's follow the DEK Registry's pattern, a
// key of tenant, name and type, and the API's JSON as the value:
//
//	definition key  {"tenant":"default","name":"e1","type":"EXPORTER"}
//	state key       {"tenant":"default","name":"e1","type":"EXPORTER_STATE"}
//
// A tombstone removes an exporter's definition or state.

const (
	keyExporter      keyType = "EXPORTER"
	keyExporterState keyType = "EXPORTER_STATE"
)

func encodeExporterKey(t keyType, name string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"tenant":`)
	writeJSONString(&b, dekTenant)
	b.WriteString(`,"name":`)
	writeJSONString(&b, name)
	b.WriteString(`,"type":`)
	writeJSONString(&b, string(t))
	b.WriteString(`}`)
	return b.Bytes()
}

func exporterRecord(e *Exporter) Record {
	return Record{Key: encodeExporterKey(keyExporter, e.Name), Value: encodeValue(e)}
}

func exporterStateRecord(s *ExporterState) Record {
	return Record{Key: encodeExporterKey(keyExporterState, s.Name), Value: encodeValue(s)}
}

func isExporterKey(t keyType) bool { return t == keyExporter || t == keyExporterState }

// exporters is the exporters' part of the state (nil until the first exporter record).
type exporters struct {
	defs   map[string]*Exporter
	states map[string]*ExporterState
}

func (st *state) applyExporterRecord(k dekRecordKey, rec Record) error {
	if st.exporters == nil {
		st.exporters = &exporters{defs: map[string]*Exporter{}, states: map[string]*ExporterState{}}
	}
	if k.Name == "" {
		return fmt.Errorf("%s record at offset %d without a name; ignored", k.Type, rec.Offset)
	}
	switch k.Type {
	case keyExporter:
		if rec.Value == nil {
			delete(st.exporters.defs, k.Name)
			return nil
		}
		var e Exporter
		if err := json.Unmarshal(rec.Value, &e); err != nil || e.Name != k.Name {
			return fmt.Errorf("decode exporter at offset %d: %v", rec.Offset, err)
		}
		st.exporters.defs[k.Name] = &e
	case keyExporterState:
		if rec.Value == nil {
			delete(st.exporters.states, k.Name)
			return nil
		}
		var s ExporterState
		if err := json.Unmarshal(rec.Value, &s); err != nil || s.Name != k.Name {
			return fmt.Errorf("decode exporter state at offset %d: %v", rec.Offset, err)
		}
		st.exporters.states[k.Name] = &s
	}
	return nil
}

func (st *state) exporterNames() []string {
	if st.exporters == nil {
		return []string{}
	}
	return slices.Sorted(maps.Keys(st.exporters.defs))
}

func (st *state) exporter(name string) *Exporter {
	if st.exporters == nil {
		return nil
	}
	return st.exporters.defs[name]
}

func (st *state) exporterState(name string) *ExporterState {
	if st.exporters == nil {
		return nil
	}
	return st.exporters.states[name]
}
