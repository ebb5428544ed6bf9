// Package otlp is the mcptray-otel helper's work: it reads the daemon's finished tool calls
// (wire.Header, then one wire.Record per line) and exports them over OTLP, HTTP or
// gRPC, as spans with the daemon's own ids and times and as metrics made with the
// OpenTelemetry SDK. Only this helper links the exporters; the daemon and the bridge never do.
package otlp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mcptray/mcptray/telemetry/wire"
)

// flushTime bounds the sending of what is still held once the input ends.
const flushTime = 5 * time.Second

// Run exports what in carries (tool calls, or audit records when the header says so) until
// it ends, then sends what it still holds (for at most
// five seconds) and returns. A malformed record is reported on errs and skipped; the error is
// for a header that cannot be read or an export that cannot be set up.
func Run(in io.Reader, errs io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	if !sc.Scan() {
		return errors.Join(errors.New("the daemon sent no settings"), sc.Err())
	}
	var h wire.Header
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
		return fmt.Errorf("reading the daemon's settings: %w", err)
	}
	if h.Signal == wire.SignalAudit {
		return runAudit(sc, h, errs)
	}
	e, err := newExport(h)
	if err != nil {
		return err
	}
	for sc.Scan() {
		var r wire.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			fmt.Fprintln(errs, "a tool call's record could not be read and was skipped:", err)
			continue
		}
		if err := e.add(&r); err != nil {
			fmt.Fprintln(errs, "a tool call's record was skipped:", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), flushTime)
	defer cancel()
	return errors.Join(sc.Err(), e.shutdown(ctx))
}

// newExport sets up the exporters h and the OTEL_ variables ask for.
func newExport(h wire.Header) (*export, error) {
	ctx := context.Background()
	protocol := wire.Protocol(h.Protocol)
	var spans sdktrace.SpanExporter
	var metrics sdkmetric.Exporter
	var err, merr error
	switch protocol {
	case "grpc":
		var topts []otlptracegrpc.Option
		var mopts []otlpmetricgrpc.Option
		if h.Endpoint != "" {
			topts = append(topts, otlptracegrpc.WithEndpointURL(h.Endpoint))
			mopts = append(mopts, otlpmetricgrpc.WithEndpointURL(h.Endpoint))
		}
		spans, err = otlptracegrpc.New(ctx, topts...)
		metrics, merr = otlpmetricgrpc.New(ctx, mopts...)
	case "", "http/protobuf":
		var topts []otlptracehttp.Option
		var mopts []otlpmetrichttp.Option
		if h.Endpoint != "" {
			base := strings.TrimSuffix(h.Endpoint, "/")
			topts = append(topts, otlptracehttp.WithEndpointURL(base+"/v1/traces"))
			mopts = append(mopts, otlpmetrichttp.WithEndpointURL(base+"/v1/metrics"))
		}
		spans, err = otlptracehttp.New(ctx, topts...)
		metrics, merr = otlpmetrichttp.New(ctx, mopts...)
	default:
		return nil, wire.CheckProtocol(protocol)
	}
	if err = errors.Join(err, merr); err != nil {
		return nil, fmt.Errorf("starting OpenTelemetry export: %w", err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", "mcptray"), attribute.String("service.version", h.Version))
	return newExportTo(spans, metrics, res), nil
}
