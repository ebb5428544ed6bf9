package config

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limit is one guardrail on a server's tool calls, in config.json under servers.NAME.limits:
//
//	{"tool": "send_email", "rate": "10/m"}
//	{"tool": "pods_exec", "concurrent": 1}
//	{"timeout": "30s"}
//	{"client": "Cursor", "rate": "100/h"}
//
// Tool and Client narrow the calls it counts ("" means every tool, every AI app); every limit
// whose scope matches a call applies to it, and the shortest timeout among them wins. Each
// limit counts its own calls: a server-wide rate counts the calls of all its tools together.
type Limit struct {
	// Tool is the tool it applies to; "" for every tool of the server.
	Tool string `json:"tool,omitempty"`
	// Client is the AI app it applies to (as the app names itself); "" for every app.
	Client string `json:"client,omitempty"`
	// Timeout is how long a call may run at the server, as Go writes durations ("2s",
	// "1m30s"); "" for no timeout.
	Timeout string `json:"timeout,omitempty"`
	// Rate is how many calls may start in a period: "10/m", "3/s", "100/h" ("minute",
	// "second", "hour" and "day" are words it also takes); "" for no rate limit.
	Rate string `json:"rate,omitempty"`
	// Concurrent is how many calls may run or wait for the person at once; 0 for no cap.
	Concurrent int `json:"concurrent,omitempty"`
}

// Rate is a parsed Limit.Rate: at most Calls calls start in any Per.
type Rate struct {
	Calls int
	Per   time.Duration
}

// String writes r as config.json does ("10/m").
func (r Rate) String() string {
	unit := map[time.Duration]string{time.Second: "s", time.Minute: "m", time.Hour: "h", 24 * time.Hour: "d"}[r.Per]
	return fmt.Sprintf("%d/%s", r.Calls, unit)
}

// ErrBadLimit is wrapped by every error about a limit that cannot be read.
var ErrBadLimit = errors.New("bad limit")

// ParseRate reads a rate such as "10/m" or "3 / minute". The error is one sentence.
func ParseRate(s string) (Rate, error) {
	n, unit, ok := strings.Cut(strings.ReplaceAll(s, " ", ""), "/")
	calls, err := strconv.Atoi(n)
	per, known := map[string]time.Duration{"s": time.Second, "sec": time.Second, "second": time.Second,
		"m": time.Minute, "min": time.Minute, "minute": time.Minute, "h": time.Hour, "hour": time.Hour,
		"d": 24 * time.Hour, "day": 24 * time.Hour}[strings.ToLower(unit)]
	if !ok || err != nil || !known || calls < 1 || calls > 1_000_000 {
		return Rate{}, &sentenceError{fmt.Sprintf("%q is not a rate: write a number of calls and a period, for example 10/m (ten a minute), 3/s or 100/h", s), ErrBadLimit}
	}
	return Rate{Calls: calls, Per: per}, nil
}

// ParseTimeout reads a timeout such as "2s" or "1m30s": more than zero, at most a day.
func ParseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > 24*time.Hour {
		return 0, &sentenceError{fmt.Sprintf("%q is not a timeout: write a length of time such as 2s, 30s or 5m", s), ErrBadLimit}
	}
	return d, nil
}

// TimeoutDuration is the limit's timeout, 0 for none (or one that does not read).
func (l Limit) TimeoutDuration() time.Duration {
	if l.Timeout == "" {
		return 0
	}
	d, _ := ParseTimeout(l.Timeout)
	return d
}

// RateLimit is the limit's rate; ok is false when it has none (or one that does not read).
func (l Limit) RateLimit() (r Rate, ok bool) {
	if l.Rate == "" {
		return Rate{}, false
	}
	r, err := ParseRate(l.Rate)
	return r, err == nil
}

// Empty reports whether the limit limits nothing.
func (l Limit) Empty() bool { return l.Timeout == "" && l.Rate == "" && l.Concurrent == 0 }

// invalid names the field of l that is wrong and says why; "" when l is fine.
func (l Limit) invalid() (field, msg string) {
	if l.Timeout != "" {
		if _, err := ParseTimeout(l.Timeout); err != nil {
			return "timeout", "is " + strconv.Quote(l.Timeout) + ": write a length of time such as 2s, 30s or 5m"
		}
	}
	if l.Rate != "" {
		if _, err := ParseRate(l.Rate); err != nil {
			return "rate", "is " + strconv.Quote(l.Rate) + ": write a number of calls and a period, for example 10/m, 3/s or 100/h"
		}
	}
	if l.Concurrent < 0 || l.Concurrent > 10_000 {
		return "concurrent", "must be a number of calls from 1 to 10000 (or 0 for no cap)"
	}
	if l.Empty() {
		return "", "limits nothing: give it a timeout, a rate or a number of concurrent calls"
	}
	return "", ""
}

// DLPAction is what happens when a data-loss check finds something in a tool call.
type DLPAction string

// The data-loss actions. The default ("") asks when a keychain secret of another server or a
// private key would leave through a call, and lets everything else through.
const (
	DLPDefault DLPAction = ""
	DLPAllow   DLPAction = "allow" // let it through (the finding is still in the audit log)
	DLPAsk     DLPAction = "ask"   // hold the call and ask the person, saying what was found
	DLPBlock   DLPAction = "block" // refuse the call
)

// DLP is a server's data-loss checks, in config.json under servers.NAME.dlp.
type DLP struct {
	// Action applies to everything found in a call's arguments: keychain secrets of other
	// servers, private keys and credentials in well-known formats.
	Action DLPAction `json:"action,omitempty"`
	// RedactResults replaces secrets, private keys and credentials found in the server's
	// answers before the AI app sees them.
	RedactResults bool `json:"redactResults,omitempty"`
}

func (d *DLP) invalid() (field, msg string) {
	if d == nil {
		return "", ""
	}
	switch d.Action {
	case DLPDefault, DLPAllow, DLPAsk, DLPBlock:
	default:
		return "action", fmt.Sprintf("is %q: it must be \"allow\", \"ask\" or \"block\"", d.Action)
	}
	return "", ""
}

// validateGuardrails checks a server's limits and data-loss checks; validateServer calls it.
func validateGuardrails(s *Server, bad func(f, msg string) error) error {
	for i, l := range s.Limits {
		f, msg := l.invalid()
		if msg == "" {
			continue
		}
		if f != "" {
			f = "." + f
		}
		return bad(fmt.Sprintf(".limits[%d]%s", i, f), msg)
	}
	if f, msg := s.DLP.invalid(); msg != "" {
		return bad(".dlp."+f, msg)
	}
	return nil
}

// LimitChange is one change of a server's limits, as `mcptray policy limit` and the control
// method policy.limit make it: Clear removes the limits of the scope (Tool and Client; both ""
// with Clear removes every limit of the server); otherwise the fields given replace those of
// the scope's limit, which is created when missing. A field left "" (Concurrent 0) is kept as
// it was.
type LimitChange struct {
	Tool       string `json:"tool,omitempty"`
	Client     string `json:"client,omitempty"`
	Timeout    string `json:"timeout,omitempty"`
	Rate       string `json:"rate,omitempty"`
	Concurrent int    `json:"concurrent,omitempty"`
	Clear      bool   `json:"clear,omitempty"`
}

// ChangeLimit applies ch to s. The error is one sentence (wrapping ErrBadLimit) and leaves s
// unchanged. It is the one implementation behind the command line, offline or through the
// daemon.
func (s *Server) ChangeLimit(ch LimitChange) error {
	if ch.Clear {
		s.Limits = slices.DeleteFunc(slices.Clone(s.Limits), func(l Limit) bool {
			return (ch.Tool == "" || l.Tool == ch.Tool) && (ch.Client == "" || l.Client == ch.Client)
		})
		if len(s.Limits) == 0 {
			s.Limits = nil
		}
		return nil
	}
	if ch.Timeout == "" && ch.Rate == "" && ch.Concurrent == 0 {
		return &sentenceError{"say what to limit: a timeout (--timeout 2s), a rate (--rate 10/m) or concurrent calls (--concurrent 1), or --clear", ErrBadLimit}
	}
	if ch.Timeout != "" {
		if _, err := ParseTimeout(ch.Timeout); err != nil {
			return err
		}
	}
	if ch.Rate != "" {
		if _, err := ParseRate(ch.Rate); err != nil {
			return err
		}
	}
	if ch.Concurrent < 0 || ch.Concurrent > 10_000 {
		return &sentenceError{"the number of concurrent calls must be from 1 to 10000", ErrBadLimit}
	}
	limits := slices.Clone(s.Limits)
	i := slices.IndexFunc(limits, func(l Limit) bool { return l.Tool == ch.Tool && l.Client == ch.Client })
	if i < 0 {
		limits = append(limits, Limit{Tool: ch.Tool, Client: ch.Client})
		i = len(limits) - 1
	}
	if ch.Timeout != "" {
		limits[i].Timeout = ch.Timeout
	}
	if ch.Rate != "" {
		limits[i].Rate = ch.Rate
	}
	if ch.Concurrent != 0 {
		limits[i].Concurrent = ch.Concurrent
	}
	s.Limits = limits
	return nil
}

// LimitsLoosen reports whether going from the limits a to p lets more calls through or run
// longer: a limit removed, a timeout longer or gone, a rate higher or gone, a cap higher or
// gone. Limits are matched by scope (Tool and Client).
func LimitsLoosen(a, p []Limit) bool {
	for _, al := range a {
		i := slices.IndexFunc(p, func(l Limit) bool { return l.Tool == al.Tool && l.Client == al.Client })
		if i < 0 {
			if !al.Empty() {
				return true
			}
			continue
		}
		pl := p[i]
		if at := al.TimeoutDuration(); at > 0 {
			if pt := pl.TimeoutDuration(); pt == 0 || pt > at {
				return true
			}
		}
		if ar, ok := al.RateLimit(); ok {
			pr, ok := pl.RateLimit()
			// Compared as calls per the longer period: 10/m is looser than 100/h.
			if !ok || float64(pr.Calls)/pr.Per.Seconds() > float64(ar.Calls)/ar.Per.Seconds() {
				return true
			}
		}
		if al.Concurrent > 0 && (pl.Concurrent == 0 || pl.Concurrent > al.Concurrent) {
			return true
		}
	}
	return false
}

// DLPLoosens reports whether going from a to p checks less: a weaker action (block < ask <
// the default < allow, where the default asks only for other servers' secrets and private
// keys) or results no longer redacted.
func DLPLoosens(a, p *DLP) bool {
	var av, pv DLP
	if a != nil {
		av = *a
	}
	if p != nil {
		pv = *p
	}
	rank := map[DLPAction]int{DLPBlock: 0, DLPAsk: 1, DLPDefault: 2, DLPAllow: 3}
	return rank[pv.Action] > rank[av.Action] || (av.RedactResults && !pv.RedactResults)
}
