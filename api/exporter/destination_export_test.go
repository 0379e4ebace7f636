package exporter

// SetMaxAnswer lowers the bound on an answer's size, so that a test need not send 16 MiB.
func SetMaxAnswer(d *Destination, n int64) { d.maxAnswer = n }
