package store

// Schema Linking's exporters (Confluent's /exporters): an exporter copies subjects of this
// registry into another one. Definitions and states are records of a store of their own, as
// Confluent keeps them in the `_exporter_configs` and `_exporter_states` topics.

// Exporter is an exporter's definition (Confluent's ExporterReference).
type Exporter struct {
	Name string `json:"name"`
	// ContextType is AUTO, CUSTOM or NONE: where the destination subjects go.
	ContextType string `json:"contextType"`
	// Context is the destination context when ContextType is CUSTOM.
	Context string `json:"context,omitempty"`
	// Subjects are the subjects to export: names, and patterns ending in "*".
	Subjects []string `json:"subjects"`
	// SubjectRenameFormat names a destination subject, "${subject}" standing for the source's.
	SubjectRenameFormat string `json:"subjectRenameFormat,omitempty"`
	// KekRenameFormat names a destination KEK, "${kek}" standing for the source's.
	KekRenameFormat string `json:"kekRenameFormat,omitempty"`
	// Config is the destination client's configuration (schema.registry.url, credentials,
	// TLS settings).
	Config map[string]string `json:"config"`
}

// ExporterState is where an exporter is (Confluent's ExporterStatusResponse).
type ExporterState struct {
	Name string `json:"name"`
	// State is one of the Exporter* states.
	State string `json:"state"`
	// Offset is the offset of the source registry's log through which the destination
	// holds what the exporter copies; -1 before anything was copied.
	Offset int64 `json:"offset"`
	// TS is the time of the last change of state or offset, in Unix milliseconds.
	TS int64 `json:"ts"`
	// Trace says what went wrong, in state ERROR, or what the exporter is waiting for.
	Trace string `json:"trace,omitempty"`
}

// The states of an exporter.
const (
	ExporterStarting = "STARTING"
	ExporterRunning  = "RUNNING"
	ExporterPaused   = "PAUSED"
	ExporterError    = "ERROR"
)
