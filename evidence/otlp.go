package evidence

import (
	"context"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/telemetry"
	"github.com/mcptray/mcptray/telemetry/wire"
)

// otlpFlush bounds the wait for a collector when OTLP forwarding stops or moves elsewhere.
const otlpFlush = 5 * time.Second

// startOTLP starts sending records to the collector to names, as OTLP log records through
// an mcptray-otel helper of their own; nil when that cannot work (said in the log).
func (f *Forwarder) startOTLP(to config.AuditForward) *telemetry.Telemetry {
	t, err := telemetry.StartAudit(to.OTLP, to.OTLPProtocol, telemetry.Options{Version: f.opts.Version, Log: f.log, Helper: f.opts.Helper})
	if err != nil {
		f.log.Error("the audit log could not be forwarded", "to", config.Collector(to.OTLP), "err", err)
		return nil
	}
	f.log.Info("forwarding the audit log over OTLP", "to", config.Collector(to.OTLP))
	return t
}

// stopOTLP lets t send what it holds (otlpFlush at most) and waits until its helper is gone.
// Safe on nil.
func stopOTLP(t *telemetry.Telemetry) {
	ctx, cancel := context.WithTimeout(context.Background(), otlpFlush)
	defer cancel()
	t.Shutdown(ctx)
}

// auditLog is line, with its seq, time and hash, as the helper takes it.
func auditLog(line []byte, hash string, rec record) *wire.AuditLog {
	l := &wire.AuditLog{Seq: rec.Seq, Hash: hash, Record: line}
	if !rec.Time.IsZero() {
		l.Time = rec.Time.UnixNano()
	}
	return l
}
