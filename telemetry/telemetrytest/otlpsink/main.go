// Command otlpsink is the OpenTelemetry Collector's own OTLP receiver (otlpreceiver) on
// 127.0.0.1, for tests: it takes spans, metrics and logs over OTLP/HTTP and OTLP/gRPC and
// prints what it received on stdout, one JSON object a line (see line.go).
//
// Its first line names its two endpoints ({"kind":"ready","http":…,"grpc":…}). A line with a
// number on stdin is answered with {"kind":"sync","seq":N} once every line for what arrived
// before it is out, so that a test can read exactly what the receiver holds. At the end of
// stdin it stops the receiver and exits.
//
// It is a module of its own so that the collector's dependency tree (a newer OTel SDK and
// gRPC) stays out of MCP Tray's build; telemetrytest builds and runs it.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configmiddleware"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func main() {
	if err := run(os.Stdin, newOutput(os.Stdout)); err != nil {
		fmt.Fprintln(os.Stderr, "otlpsink:", err)
		os.Exit(1)
	}
}

// run serves until in ends.
func run(in io.Reader, out *output) error {
	ctx := context.Background()
	f := otlpreceiver.NewFactory()
	cfg := f.CreateDefaultConfig().(*otlpreceiver.Config)
	grpcCfg := cfg.Protocols.GRPC.GetOrInsertDefault()
	grpcCfg.NetAddr.Endpoint = "127.0.0.1:0"
	grpcCfg.Middlewares = []configmiddleware.Config{{ID: counter}}
	httpCfg := cfg.Protocols.HTTP.GetOrInsertDefault()
	httpCfg.ServerConfig.NetAddr.Endpoint = "127.0.0.1:0"
	httpCfg.ServerConfig.Middlewares = []configmiddleware.Config{{ID: counter}}

	// The receiver logs the address each server listens on: the only place a port 0 becomes a
	// real one.
	logCore, logged := observer.New(zap.InfoLevel)
	set := receivertest.NewNopSettings(f.Type())
	set.Logger = zap.New(logCore)

	traces, err := consumer.NewTraces(out.traces)
	if err != nil {
		return err
	}
	metrics, err := consumer.NewMetrics(out.metrics)
	if err != nil {
		return err
	}
	logs, err := consumer.NewLogs(out.logs)
	if err != nil {
		return err
	}
	// The three share one receiver (the factory keys it by cfg): the collector starts and
	// stops each, and so does this.
	tr, err := f.CreateTraces(ctx, set, cfg, traces)
	if err != nil {
		return fmt.Errorf("creating the traces receiver: %w", err)
	}
	mr, err := f.CreateMetrics(ctx, set, cfg, metrics)
	if err != nil {
		return fmt.Errorf("creating the metrics receiver: %w", err)
	}
	lr, err := f.CreateLogs(ctx, set, cfg, logs)
	if err != nil {
		return fmt.Errorf("creating the logs receiver: %w", err)
	}
	h := host{counter: requestCounter{out: out}}
	receivers := []component.Component{tr, mr, lr}
	for _, r := range receivers {
		if err := r.Start(ctx, h); err != nil {
			return fmt.Errorf("starting the OTLP receiver: %w", err)
		}
	}
	defer func() {
		for _, r := range receivers {
			r.Shutdown(ctx)
		}
	}()

	grpcAddr, err := endpoint(logged, "Starting GRPC server")
	if err != nil {
		return err
	}
	httpAddr, err := endpoint(logged, "Starting HTTP server")
	if err != nil {
		return err
	}
	out.write(ready{Kind: "ready", HTTP: "http://" + httpAddr, GRPC: "http://" + grpcAddr})

	sc := bufio.NewScanner(in)
	for sc.Scan() {
		seq, err := strconv.ParseInt(strings.TrimSpace(sc.Text()), 10, 64)
		if err != nil {
			return fmt.Errorf("reading stdin: %q is not a number", sc.Text())
		}
		out.write(synced{Kind: "sync", Seq: seq})
	}
	return sc.Err()
}

// endpoint returns the address in the "endpoint" field of the log entry with message msg.
func endpoint(logged *observer.ObservedLogs, msg string) (string, error) {
	for _, e := range logged.FilterMessage(msg).All() {
		if a, ok := e.ContextMap()["endpoint"].(string); ok {
			return a, nil
		}
	}
	return "", fmt.Errorf("the OTLP receiver did not log %q with its endpoint", msg)
}

// counter names the request counter among the receiver's extensions.
var counter = component.MustNewID("requestcount")

// host gives the receiver its one extension, the request counter.
type host struct{ counter requestCounter }

func (h host) GetExtensions() map[component.ID]component.Component {
	return map[component.ID]component.Component{counter: h.counter}
}
