package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// Every server inherits MCP Tray's own environment, which can hold the person's credentials
// (an exported AWS key, the OpenTelemetry headers MCP Tray itself sends with). A server that
// prints its environment to stderr must not put them into the log MCP Tray writes, nor into
// `mcptray logs` (red team, 6 December 2026): they are taken out like the keychain's secrets.
func TestTheDaemonsOwnCredentialsStayOutOfServerLogs(t *testing.T) {
	u := testbin.NewUser(t)
	u.Env = append(u.Env, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(u.Dir, "no-bus"))
	const aws = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	const otel = "otel_S3cr3t_Hdr_998877"
	u.Env = append(u.Env, "AWS_SECRET_ACCESS_KEY="+aws, "OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer "+otel)
	u.OK("server", "add", "envy", "--", fake, "-print-env", "AWS_SECRET_ACCESS_KEY,OTEL_EXPORTER_OTLP_HEADERS")
	u.Daemon()
	u.WaitRunning("envy")
	var logs string
	u.Eventually("the server's environment is logged", func() bool {
		logs = u.OK("logs", "envy")
		return strings.Contains(logs, "AWS_SECRET_ACCESS_KEY=") && strings.Contains(logs, "OTEL_EXPORTER_OTLP_HEADERS=")
	})
	secrets := []string{aws, otel}
	testbin.AssertNoSecretsIn(t, secrets, "the output of mcptray logs", logs)
	testbin.AssertNoSecretsIn(t, secrets, "the output of mcptray server status --json", u.OK("server", "status", "--json"))
	testbin.AssertNoSecrets(t, secrets, u.Home)
}
