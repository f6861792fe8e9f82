package push

import "github.com/prometheus/client_golang/prometheus"

// metrics are the delivery figures an operator watches.
type metrics struct {
	sent, retried prometheus.Counter
	failed        *prometheus.CounterVec
	skipped       *prometheus.CounterVec
	pruned        *prometheus.CounterVec
	depth, ageDue prometheus.Gauge
	inFlight      prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		sent:    prometheus.NewCounter(prometheus.CounterOpts{Name: "houqin_push_sent_total", Help: "Pushes the provider accepted."}),
		retried: prometheus.NewCounter(prometheus.CounterOpts{Name: "houqin_push_retried_total", Help: "Pushes scheduled for another attempt after a transient failure."}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "houqin_push_failed_total",
			Help: "Pushes given up: dead token, rejected message or too many attempts."}, []string{"reason"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "houqin_push_skipped_total",
			Help: "Outbox rows closed without sending: push off, device gone, expired, no provider."}, []string{"reason"}),
		pruned: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "houqin_push_tokens_pruned_total",
			Help: "Device tokens forgotten, by why."}, []string{"why"}),
		depth:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "houqin_push_outbox_depth", Help: "Outbox rows not yet finished."}),
		ageDue:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "houqin_push_outbox_oldest_due_seconds", Help: "Age of the oldest outbox row that is due."}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "houqin_push_in_flight", Help: "Pushes being sent."}),
	}
	if reg != nil {
		reg.MustRegister(m.sent, m.retried, m.failed, m.skipped, m.pruned, m.depth, m.ageDue, m.inFlight)
	}
	return m
}
