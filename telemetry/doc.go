// Package telemetry sends OpenTelemetry spans and metrics of tool calls over OTLP (HTTP or
// gRPC), when the person turns it on (config.Telemetry). Each tool call is one span named
// mcp.tool.invoke, continuing the trace the AI app sent in params._meta.traceparent, and its
// own context is what the server receives; the span says which AI app called which tool of
// which server, what was decided and by whom, how long the call waited and ran, and how it
// ended. It never carries arguments or results.
//
// This package is the daemon's side and links no OpenTelemetry code: it makes the W3C ids
// itself and hands each finished call (package wire) to the mcptray-otel helper, a program
// of its own installed beside mcptray that does the exporting (package otlp). The helper runs
// only while telemetry is on, so the exporters' weight (gRPC, protobuf: about 7 MB of memory)
// never lands on the daemon or on the bridge each AI app starts.
//
// A nil *Telemetry is telemetry turned off: every method is a no-op that sends nothing.
package telemetry
