package installer

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// downloadLine matches what npm, npx, uv and docker print while they fetch a package.
// npm's "npm notice" lines (a newer npm exists) are not progress.
var downloadLine = regexp.MustCompile(`(?i)(will be installed|npm (warn exec|http)|downloading|downloaded|resolved \d+ package|installed \d+ package|prepared \d+ package|pulling|pull complete|unable to find image|digest: sha256|status: downloaded)`)

// errorLine matches a line that says what went wrong; noiseLine one that only points
// elsewhere (npm's "A complete log of this run…", its error code line).
var (
	errorLine = regexp.MustCompile(`(?i)(error|not found|cannot|could not|failed|denied|enoent|e404|no such|no matching)`)
	noiseLine = regexp.MustCompile(`(?i)(complete log of this run|^npm error code |^npm error\s*$|in most cases you or one of your dependencies|version that doesn't exist)`)
)

// waitForTools probes the server for its tool list, reporting "downloading" while the
// runtime fetches the package (from the server's log) and a heartbeat while it waits. Only
// this goroutine calls say.
func (in *Installer) waitForTools(ctx context.Context, name, title string, remote bool, since time.Time, say func(Step, string, ...any)) ([]string, error) {
	timeout := in.ListTimeout
	if timeout <= 0 {
		timeout = DefaultListTimeout
	}
	beat := in.Heartbeat
	if beat <= 0 {
		beat = DefaultHeartbeat
	}
	lines, stopFollow := in.Runtime.Follow(name, since)
	if stopFollow != nil {
		defer stopFollow()
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		tools []string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		tools, err := in.Runtime.Probe(pctx, name)
		done <- result{tools, err}
	}()
	say(StepListing, "Waiting for %s to list its tools.", title)
	start := time.Now()
	ticker := time.NewTicker(beat)
	defer ticker.Stop()
	var tail []string // the server's last lines, to say why it failed
	downloading := false
	var lastDownload time.Time
	for {
		select {
		case r := <-done:
			if r.err == nil {
				return r.tools, nil
			}
			if remote && needsSignIn(r.err) {
				return nil, r.err
			}
			// The server's last words may reach its log a moment after its pipe closed.
			tail = drain(lines, tail, 300*time.Millisecond)
			return nil, probeFailure(title, r.err, tail, pctx.Err(), timeout)
		case line, ok := <-lines:
			if !ok {
				lines = nil
				continue
			}
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			tail = append(tail, line)
			if len(tail) > 20 {
				tail = tail[1:]
			}
			if downloadLine.MatchString(line) && time.Since(lastDownload) >= time.Second {
				downloading, lastDownload = true, time.Now()
				say(StepDownloading, "Downloading %s (the first time can take a minute or two): %s", title, clip(line, 160))
			}
		case <-ticker.C:
			// npx and uvx fetch silently: a server that has not answered after a heartbeat is
			// almost always still being downloaded.
			secs := int(time.Since(start).Round(time.Second) / time.Second)
			if remote {
				say(StepListing, "Still waiting for %s to answer (%d seconds so far).", title, secs)
			} else if downloading {
				say(StepDownloading, "Still downloading %s (%d seconds so far); the first time can take a minute or two.", title, secs)
			} else {
				say(StepDownloading, "Still starting %s (%d seconds so far); the first start downloads it, which can take a minute or two.", title, secs)
			}
		}
	}
}

// drain adds the lines that arrive within wait (or until the channel closes) to tail.
func drain(lines <-chan string, tail []string, wait time.Duration) []string {
	if lines == nil {
		return tail
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				return tail
			}
			if line = strings.TrimSpace(line); line != "" {
				tail = append(tail, line)
			}
		case <-timer.C:
			return tail
		}
	}
}

// probeFailure says why the tool list did not come, with the server's own words when it
// printed an error.
func probeFailure(title string, err error, tail []string, deadline error, timeout time.Duration) error {
	if errors.Is(deadline, context.DeadlineExceeded) {
		return failf("%s did not list its tools within %s, so it was not installed%s.", title, timeout.Round(time.Second), said(tail))
	}
	if errors.Is(err, context.Canceled) {
		return failf("The install of %s was cancelled.", title)
	}
	return failf("%s did not start: %s%s", title, strings.TrimSuffix(err.Error(), "."), said(tail)+".")
}

// said is " (it said: LINE)" with the most telling of the server's last lines: the first
// that reports an error (later ones tend to be consequences), else the last one; or "".
func said(tail []string) string {
	pick := ""
	for _, line := range tail {
		if errorLine.MatchString(line) && !noiseLine.MatchString(line) {
			pick = line
			break
		}
	}
	if pick == "" && len(tail) > 0 {
		pick = tail[len(tail)-1]
	}
	if pick == "" {
		return ""
	}
	return fmt.Sprintf(" (it said: %s)", clip(strings.TrimSuffix(pick, "."), 200))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
