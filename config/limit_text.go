package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mcptray/mcptray/internal/display"
)

// ErrClearWithLimits refuses a LimitChange that clears limits and sets one at once.
var ErrClearWithLimits = errors.New("--clear removes limits: give it without --timeout, --rate or --concurrent")

// CheckFlags refuses a change that both clears limits and sets one (ErrClearWithLimits);
// ChangeLimit checks everything else.
func (ch LimitChange) CheckFlags() error {
	if ch.Clear && (ch.Timeout != "" || ch.Rate != "" || ch.Concurrent != 0) {
		return ErrClearWithLimits
	}
	return nil
}

// PeriodWords says r's period as a person does: "a second", "a minute", "an hour", "a day".
func (r Rate) PeriodWords() string {
	return map[time.Duration]string{time.Second: "a second", time.Minute: "a minute", time.Hour: "an hour", 24 * time.Hour: "a day"}[r.Per]
}

// Sentence says what applying ch to server did, in one sentence escaped for a terminal:
// "Calls of every tool of fs: stopped after 2s, at most 10 calls a minute." or "Limits
// removed from echo of fs for Cursor.". A rate that does not read is left out.
func (ch LimitChange) Sentence(server string) string {
	what := "every tool of " + display.Line(server)
	if ch.Tool != "" {
		what = display.Line(ch.Tool) + " of " + display.Line(server)
	}
	if ch.Client != "" {
		what += " for " + display.Line(ch.Client)
	}
	if ch.Clear {
		return "Limits removed from " + what + "."
	}
	var parts []string
	if ch.Timeout != "" {
		parts = append(parts, "stopped after "+display.Line(ch.Timeout))
	}
	if ch.Rate != "" {
		if r, err := ParseRate(ch.Rate); err == nil {
			calls := "calls"
			if r.Calls == 1 {
				calls = "call"
			}
			parts = append(parts, fmt.Sprintf("at most %d %s %s", r.Calls, calls, r.PeriodWords()))
		}
	}
	if ch.Concurrent > 0 {
		parts = append(parts, fmt.Sprintf("at most %d at a time", ch.Concurrent))
	}
	return "Calls of " + what + ": " + strings.Join(parts, ", ") + "."
}
