package metrics

import (
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// routeSeries keeps, for each route template and method, the series the middleware updates,
// so that a request finds them in one map lookup instead of hashing its labels into each
// vector under the vector's lock. Routes and methods are bounded sets, so the map is too. A
// counter is made on its status class's first request, as WithLabelValues would: a series
// appears in the scrape once something has been counted in it.
type routeSeries struct {
	mu     sync.RWMutex
	routes map[routeKey]*requestSeries
}

type routeKey struct{ route, method string }

// requestSeries are one route and method's series.
type requestSeries struct {
	duration prometheus.Observer
	requests *prometheus.CounterVec
	route    string
	method   string
	classes  [len(statusClasses)]atomic.Value // prometheus.Counter, once made
}

// get returns route and method's series, making them on first use.
func (r *routeSeries) get(m *Metrics, route, method string) *requestSeries {
	key := routeKey{route, method}
	r.mu.RLock()
	s := r.routes[key]
	r.mu.RUnlock()
	if s != nil {
		return s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if s = r.routes[key]; s == nil {
		if r.routes == nil {
			r.routes = make(map[routeKey]*requestSeries)
		}
		s = &requestSeries{duration: m.duration.WithLabelValues(route, method), requests: m.requests, route: route, method: method}
		r.routes[key] = s
	}
	return s
}

// count counts a request answered with status.
func (s *requestSeries) count(status int) {
	i := statusClass(status)
	c, ok := s.classes[i].Load().(prometheus.Counter)
	if !ok {
		// Two first requests may both get here; WithLabelValues gives both the same counter.
		c = s.requests.WithLabelValues(s.route, s.method, statusClasses[i])
		s.classes[i].Store(c)
	}
	c.Inc()
}
