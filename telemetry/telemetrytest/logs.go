package telemetrytest

import (
	"context"
	"time"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
)

// Log is a log record as received.
type Log struct {
	EventName  string
	Body       string // a string body; "" otherwise
	Attributes map[string]string
	Time       time.Time
}

type logsService struct {
	collogspb.UnimplementedLogsServiceServer
	r *Receiver
}

func (s logsService) Export(_ context.Context, m *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	s.r.addLogs(m)
	return &collogspb.ExportLogsServiceResponse{}, nil
}

func (r *Receiver) addLogs(m *collogspb.ExportLogsServiceRequest) {
	r.received(func() {
		for _, rl := range m.ResourceLogs {
			for _, sl := range rl.ScopeLogs {
				for _, l := range sl.LogRecords {
					r.logs = append(r.logs, convertLog(l))
				}
			}
		}
	})
}

func convertLog(l *logspb.LogRecord) Log {
	out := Log{EventName: l.EventName, Body: l.Body.GetStringValue(), Attributes: map[string]string{},
		Time: time.Unix(0, int64(l.TimeUnixNano))}
	for _, kv := range l.Attributes {
		out.Attributes[kv.Key] = value(kv.Value)
	}
	return out
}

// Logs returns the log records received so far.
func (r *Receiver) Logs() []Log {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Log(nil), r.logs...)
}
