package push

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"houqin/models/notify"
)

// metrics are the delivery figures an operator watches, by provider.
type metrics struct {
	sent, retried *prometheus.CounterVec
	failed        *prometheus.CounterVec
	requests      *prometheus.CounterVec
	skipped       *prometheus.CounterVec
	pruned        *prometheus.CounterVec
	depth, ageDue prometheus.Gauge
	inFlight      *prometheus.GaugeVec

	mu    sync.Mutex
	stats map[string]*notify.ProviderStats // since this process started
}

func newMetrics(reg prometheus.Registerer) *metrics {
	byProvider := []string{"provider"}
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "houqin_push_sent_total",
			Help: "Pushes the provider accepted."}, byProvider),
		retried: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "houqin_push_retried_total",
			Help: "Pushes scheduled for another attempt after a transient failure."}, byProvider),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "houqin_push_failed_total",
			Help: "Pushes given up: dead token, rejected message or too many attempts."}, []string{"provider", "reason"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "houqin_push_requests_total",
			Help: "Send calls made to the provider: one per push, or one per batch where the provider takes many devices."}, byProvider),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "houqin_push_skipped_total",
			Help: "Outbox rows closed without sending: push off, device gone, expired, no provider."}, []string{"reason"}),
		pruned: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "houqin_push_tokens_pruned_total",
			Help: "Device tokens forgotten, by why."}, []string{"why"}),
		depth:  prometheus.NewGauge(prometheus.GaugeOpts{Name: "houqin_push_outbox_depth", Help: "Outbox rows not yet finished."}),
		ageDue: prometheus.NewGauge(prometheus.GaugeOpts{Name: "houqin_push_outbox_oldest_due_seconds", Help: "Age of the oldest outbox row that is due."}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "houqin_push_in_flight",
			Help: "Pushes being sent."}, byProvider),
		stats: map[string]*notify.ProviderStats{},
	}
	if reg != nil {
		reg.MustRegister(m.sent, m.retried, m.failed, m.requests, m.skipped, m.pruned, m.depth, m.ageDue, m.inFlight)
	}
	return m
}

// count applies one result to the provider's figures.
func (m *metrics) count(provider string, f func(*notify.ProviderStats)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stats[provider]
	if s == nil {
		s = &notify.ProviderStats{Provider: provider}
		m.stats[provider] = s
	}
	f(s)
}

// Providers reports every channel, configured or not: the providers a
// device may name, then the work platforms (notify.Channels).
func (w *Worker) Providers() []notify.ProviderStats {
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	channels := notify.Channels()
	out := make([]notify.ProviderStats, 0, len(channels))
	for _, p := range channels {
		s := notify.ProviderStats{Provider: p}
		if have := w.m.stats[p]; have != nil {
			s = *have
		}
		s.Configured = w.senders[p] != nil
		out = append(out, s)
	}
	return out
}

// Configured lists the providers this worker can send through.
func (w *Worker) Configured() []string { return w.senders.Configured() }
