package otlp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/mcptray/mcptray/telemetry/wire"
)

// auditBatch and auditEvery bound how many audit records wait for one export, and how long.
const (
	auditBatch = 512
	auditEvery = time.Second
)

// runAudit exports the audit records sc carries (one wire.AuditLog a line) as OTLP log
// records until sc ends, then sends what it holds (five seconds at most). Each log record's
// body is the audit line exactly as written, with the chain hash and seq as attributes.
func runAudit(sc *bufio.Scanner, h wire.Header, errs io.Writer) error {
	exp, err := newLogExporter(h)
	if err != nil {
		return err
	}
	res := resource.NewSchemaless(attribute.String("service.name", "mcptray"), attribute.String("service.version", h.Version))
	p := newHeldBatch(exp, errs)
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(p), sdklog.WithResource(res))
	logger := lp.Logger(scopeName)
	ctx := context.Background()
	for sc.Scan() {
		var a wire.AuditLog
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			fmt.Fprintln(errs, "an audit record could not be read and was not forwarded:", err)
			continue
		}
		var r log.Record
		r.SetEventName(wire.AuditEvent)
		if a.Time != 0 {
			r.SetTimestamp(time.Unix(0, a.Time))
		}
		r.SetObservedTimestamp(time.Now())
		r.SetSeverity(log.SeverityInfo)
		r.SetSeverityText("INFO")
		r.SetBody(log.StringValue(string(a.Record)))
		r.AddAttributes(log.Int64(wire.AttrAuditSeq, int64(a.Seq)), log.String(wire.AttrAuditHash, a.Hash))
		logger.Emit(ctx, r)
	}
	ctx, cancel := context.WithTimeout(ctx, flushTime)
	defer cancel()
	return errors.Join(sc.Err(), lp.Shutdown(ctx))
}

// newLogExporter is the OTLP log exporter h and the OTEL_ variables ask for.
func newLogExporter(h wire.Header) (sdklog.Exporter, error) {
	ctx := context.Background()
	var exp sdklog.Exporter
	var err error
	switch p := wire.LogsProtocol(h.Protocol); p {
	case "grpc":
		var opts []otlploggrpc.Option
		if h.Endpoint != "" {
			opts = append(opts, otlploggrpc.WithEndpointURL(h.Endpoint))
		}
		exp, err = otlploggrpc.New(ctx, opts...)
	case "", "http/protobuf":
		var opts []otlploghttp.Option
		if h.Endpoint != "" {
			opts = append(opts, otlploghttp.WithEndpointURL(strings.TrimSuffix(h.Endpoint, "/")+"/v1/logs"))
		}
		exp, err = otlploghttp.New(ctx, opts...)
	default:
		return nil, wire.CheckProtocol(p)
	}
	if err != nil {
		return nil, fmt.Errorf("starting the audit log's OTLP export: %w", err)
	}
	return exp, nil
}

// heldBatch is a log processor that never drops: a full batch is exported before the next
// record is taken, so a slow collector holds the helper's input back (and the daemon's
// queue, the one place records are dropped and counted, fills instead). A batch that is not
// full is sent after auditEvery.
type heldBatch struct {
	exp  sdklog.Exporter
	errs io.Writer

	mu   sync.Mutex
	buf  []sdklog.Record
	stop chan struct{}
	done chan struct{}
}

func newHeldBatch(exp sdklog.Exporter, errs io.Writer) *heldBatch {
	b := &heldBatch{exp: exp, errs: errs, stop: make(chan struct{}), done: make(chan struct{})}
	go b.tick()
	return b
}

func (b *heldBatch) tick() {
	defer close(b.done)
	t := time.NewTicker(auditEvery)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			b.mu.Lock()
			b.exportLocked(context.Background())
			b.mu.Unlock()
		}
	}
}

// exportLocked sends what is held; an export that fails is told on errs (the records stay in
// the audit file).
func (b *heldBatch) exportLocked(ctx context.Context) error {
	if len(b.buf) == 0 {
		return nil
	}
	err := b.exp.Export(ctx, b.buf)
	if err != nil {
		fmt.Fprintf(b.errs, "%d audit records could not be sent: %v\n", len(b.buf), err)
	}
	clear(b.buf)
	b.buf = b.buf[:0]
	return err
}

func (b *heldBatch) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }

func (b *heldBatch) OnEmit(ctx context.Context, r *sdklog.Record) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, r.Clone())
	if len(b.buf) >= auditBatch {
		b.exportLocked(ctx)
	}
	return nil
}

func (b *heldBatch) ForceFlush(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return errors.Join(b.exportLocked(ctx), b.exp.ForceFlush(ctx))
}

func (b *heldBatch) Shutdown(ctx context.Context) error {
	close(b.stop)
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	return errors.Join(b.exportLocked(ctx), b.exp.Shutdown(ctx))
}
