package layout

import (
	"strings"
	"testing"
)

// heavy are the import paths the mcptray binary must not link: the OTLP exporters with the
// gRPC and protobuf they pull in (7.5 MB more in every process started from it, each AI app's
// bridge included, measured in #26) and the OpenTelemetry SDK. Exporting is the mcptray-otel
// helper's job, started only when telemetry is on.
var heavy = []string{
	"go.opentelemetry.io/otel/exporters/",
	"go.opentelemetry.io/otel/sdk",
	"go.opentelemetry.io/proto/",
	"google.golang.org/grpc",
	"google.golang.org/protobuf",
}

// The daemon, CLI and bridge binary (and the tray app's, built from the same package) link
// none of the heavy packages; the helper does link the exporters, so the check is looking.
func TestMCPTrayStaysLight(t *testing.T) {
	dir := root(t)
	for _, tags := range []string{"", "ci"} {
		deps := goList(t, dir, "-deps", "-tags", tags, "./cmd/mcptray")
		for _, p := range deps {
			for _, h := range heavy {
				if strings.HasPrefix(p, h) {
					t.Errorf("cmd/mcptray (tags %q) links %s; only cmd/mcptray-otel may", tags, p)
				}
			}
		}
	}
	helper := strings.Join(goList(t, dir, "-deps", "./cmd/mcptray-otel"), "\n")
	for _, want := range []string{"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc", "go.opentelemetry.io/otel/sdk/trace"} {
		if !strings.Contains(helper, want+"\n") {
			t.Errorf("cmd/mcptray-otel does not link %s: is this test still looking at the right thing?", want)
		}
	}
}
