package gate

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/dlp"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/guardrail"
	"github.com/mcptray/mcptray/internal/jsonwire"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/remote"
	"github.com/mcptray/mcptray/telemetry"
)

// Rails apply config.json's limits (package guardrail) and data-loss checks (package dlp) to
// each tool call, on top of the policy's verdict, and run the telemetry config.json asks for.
// They follow the configuration in
// effect and the secrets the daemon holds without being told: each call compares what it last
// applied with what is current, which costs a pointer and a counter when nothing changed.
type Rails struct {
	config  func() *config.Config // the configuration in effect (nil before the first load)
	secrets *keychain.Handed
	book    *guardrail.Book
	check   dlp.Checker
	log     *slog.Logger
	version string

	tel atomic.Pointer[telemetry.Telemetry] // nil: telemetry off

	// upToDate is the configuration and secrets the rails were last brought up to (nil:
	// none yet), stored under mu once applied: a call that finds the same ones takes no lock.
	upToDate atomic.Pointer[railsState]

	mu     sync.Mutex
	telCfg config.Telemetry // the settings tel was started with
	closed bool
}

// NewRails returns rails that follow cfg (the configuration in effect, nil before the first
// load) and the values secrets holds; version is MCP Tray's, for telemetry.
func NewRails(cfg func() *config.Config, secrets *keychain.Handed, log *slog.Logger, version string) *Rails {
	return &Rails{config: cfg, secrets: secrets, book: guardrail.New(nil), log: log, version: version}
}

// railsNow is what one call is decided with: the rails brought up to date once (current), and
// the call's server entry in the configuration.
type railsNow struct {
	r   *Rails
	srv *config.Server // nil: none (or no rails)
}

// now brings the rails up to date for a call to server; nil rails give an empty railsNow.
func (r *Rails) now(server string) railsNow {
	if r == nil {
		return railsNow{}
	}
	return railsNow{r: r, srv: r.current(server)}
}

// telemetry is the telemetry in effect, nil when it is off.
func (n railsNow) telemetry() *telemetry.Telemetry {
	if n.r == nil {
		return nil
	}
	return n.r.tel.Load()
}

// shown is text without the secret values the daemon holds, for what leaves MCP Tray
// (telemetry); text itself with no rails.
func (n railsNow) shown(text string) string {
	if n.r == nil || n.r.secrets == nil {
		return text
	}
	return n.r.secrets.RedactString(text)
}

// host is the host a remote server runs at, for the audit; "" for a server on this computer
// (and with no rails).
func (n railsNow) host() string {
	if n.srv.IsRemote() {
		return remote.Host(n.srv.URL)
	}
	return ""
}

// Close stops telemetry after sending what it still holds (bounded by telemetryFlush); no
// telemetry starts afterwards.
func (r *Rails) Close() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	if t := r.tel.Swap(nil); t != nil {
		ctx, cancel := context.WithTimeout(context.Background(), telemetryFlush)
		defer cancel()
		t.Shutdown(ctx)
	}
}

// telemetryFlush bounds the wait for a collector when telemetry stops or changes.
const telemetryFlush = 5 * time.Second

// railsState is a configuration and a generation of the known secrets the rails were brought
// up to.
type railsState struct {
	cfg *config.Config
	gen uint64
}

// current brings the limits, telemetry and the known secrets up to date and returns the
// server's entry.
func (r *Rails) current(server string) *config.Server {
	cfg := r.config()
	gen := r.secrets.Redactor().Generation()
	if s := r.upToDate.Load(); s == nil || s.cfg != cfg || s.gen != gen {
		r.bringUpToDate(cfg, gen)
	}
	if cfg == nil {
		return nil
	}
	return cfg.Servers[server]
}

// bringUpToDate applies cfg's limits and telemetry and the secrets of generation gen.
func (r *Rails) bringUpToDate(cfg *config.Config, gen uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	was := r.upToDate.Load()
	if was == nil {
		was = &railsState{} // no configuration, and generation 0 of the secrets
	}
	if cfg != was.cfg {
		limits := map[string][]config.Limit{}
		var tel config.Telemetry
		if cfg != nil {
			for name, s := range cfg.Servers {
				if len(s.Limits) > 0 {
					limits[name] = s.Limits
				}
			}
			if cfg.Settings.Telemetry != nil {
				tel = *cfg.Settings.Telemetry
			}
		}
		r.book.Set(limits)
		if tel != r.telCfg && !r.closed {
			r.restartTelemetryLocked(tel)
		}
	}
	if gen != was.gen {
		r.check.SetSecrets(r.secrets.ByServer())
	}
	r.upToDate.Store(&railsState{cfg: cfg, gen: gen})
}

// restartTelemetryLocked starts telemetry as tel says (or none) and stops the one before in
// the background, sending what it still held. r.mu is held.
func (r *Rails) restartTelemetryLocked(tel config.Telemetry) {
	r.telCfg = tel
	next, err := telemetry.Start(&tel, telemetry.Options{Version: r.version, Log: r.log})
	if err != nil {
		r.log.Error("OpenTelemetry not started", "err", err)
	} else if next != nil {
		r.log.Info("sending traces and metrics of tool calls", "to", telemetry.Endpoint(&tel))
	}
	if old := r.tel.Swap(next); old != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), telemetryFlush)
			defer cancel()
			old.Shutdown(ctx)
		}()
	}
}

// railVerdict is what the guardrails make of a call the policy did not deny.
type railVerdict struct {
	verdict policy.Verdict      // the policy's, turned to ask (with a warning) by a finding
	ticket  *guardrail.Ticket   // the call's places under the caps: Done when it has finished
	refused *policy.Decision    // set when a limit or a data-loss block refuses the call
	note    string              // what a data-loss check found, for the audit log
	result  func([]byte) []byte // redacts the answer, when the server's settings say so
}

// apply checks call against the server's limits and data-loss settings. v is the policy's
// verdict; the caller has already refused a deny.
func (n railsNow) apply(call *policy.Call, v policy.Verdict) railVerdict {
	out := railVerdict{verdict: v}
	r, s := n.r, n.srv
	if r == nil {
		return out
	}
	var action config.DLPAction
	if s != nil && s.DLP != nil {
		action = s.DLP.Action
		if s.DLP.RedactResults {
			out.result = r.redactResult
		}
	}
	if action != config.DLPAllow && len(call.Arguments) > 0 {
		if found := r.check.Check(call.Server, call.Arguments); len(found) > 0 {
			out.note = dlp.Describe(found)
			switch {
			case action == config.DLPBlock:
				out.refused = &policy.Decision{Outcome: policy.Denied, DecidedBy: policy.ByRule,
					Reason:  "Blocked by the data-loss check: " + out.note,
					Message: "Denied by MCP Tray: " + out.note + " The settings of this server block such calls."}
				return out
			case action == config.DLPAsk || dlp.Sensitive(found):
				out.verdict.Rule = policy.RuleAsk
				out.verdict.EachTime = true
				out.verdict.Warnings = append(append([]string(nil), v.Warnings...), out.note+" They would leave through this call.")
			}
		}
	}
	ticket, refusal := r.book.Admit(call.Server, call.Tool, call.Client)
	if refusal != nil {
		out.refused = &policy.Decision{Outcome: policy.Denied, DecidedBy: policy.ByRule, Reason: refusal.Reason, Message: refusal.Message}
		return out
	}
	out.ticket = ticket
	return out
}

// withheldMessage is what the AI app gets instead of an answer that could not be redacted.
const withheldMessage = "MCP Tray withheld the server's answer: it carried secrets or credentials that could not be taken out of it safely."

// redactResult takes secrets, private keys and credentials out of a tools/call answer. An
// answer that would not stay JSON is replaced by a tool error: nothing is passed on unread.
func (r *Rails) redactResult(resp []byte) []byte {
	r.current("") // a shared server may have started, with its secrets, after the call was decided
	out := r.check.Redact(resp)
	if len(out) == len(resp) && (len(out) == 0 || &out[0] == &resp[0]) {
		return resp
	}
	if json.Valid(out) {
		return out
	}
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": jsonwire.ValueAt(resp, "id"), "result": map[string]any{
		"content": []map[string]string{{"type": "text", "text": withheldMessage}}, "isError": true}})
	return b
}

// timedOutNote is the audit log's note for a call that ran past its limit.
func timedOutNote(limit time.Duration, found string) string {
	note := "timed out after " + gateway.Seconds(limit)
	if found != "" {
		note += ". " + found
	}
	return note
}
