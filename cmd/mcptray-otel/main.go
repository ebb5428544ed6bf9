// Command mcptray-otel exports MCP Tray's tool-call spans and metrics over OTLP. The daemon
// starts it beside itself only when telemetry is turned on and writes the finished calls to
// its standard input (package telemetry/otlp); it ends when that input ends, after sending
// what it still holds. It is a program of its own so that the exporters' weight (gRPC,
// protobuf) never lands on the daemon or on the bridge each AI app starts.
package main

import (
	"fmt"
	"os"
	"os/signal"

	"github.com/mcptray/mcptray/telemetry/otlp"
)

func main() {
	// Ctrl-C in the daemon's terminal reaches the whole group; the helper still ends only
	// when its input does, so what the daemon handed over is sent.
	signal.Ignore(os.Interrupt)
	if err := otlp.Run(os.Stdin, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
