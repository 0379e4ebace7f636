package exporter

// A stand-in for H-dest's metrics, until their branch has them.

type Metrics struct{}

func (m *Metrics) SetState(name, state string)                        {}
func (m *Metrics) Copied(name string, n int)                          {}
func (m *Metrics) Failed(name string)                                 {}
func (m *Metrics) SetLag(name string, records int64, seconds float64) {}
func (m *Metrics) Forget(name string)                                 {}
