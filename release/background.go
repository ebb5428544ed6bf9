package release

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"
)

// Poll is how often Background.Serve reads the person's settings again while it waits: the
// switch lives in another process (the window's), so a change reaches the tray this late at
// most. Reading a small file this rarely costs nothing; it never makes checks more frequent.
const Poll = 15 * time.Minute

// Background is the tray app's daily check: the only place a check starts without the
// person asking. It checks only when the person agreed and the last check is a day old
// (Due), and records each check's time before it asks the network, so a failing or
// crashing check still waits a day. Its zero value is not usable: Settings and Checker are
// required.
type Background struct {
	// Settings is the settings file (SettingsFile).
	Settings string
	// Checker finds the newer version; nil means none can be found (a build without the
	// release key), and nothing is ever checked.
	Checker *Checker
	// Offered is called, from Serve's goroutine, with each newer version found. It must not
	// block for long.
	Offered func(Offer)
	// Failed is called, from Serve's goroutine, with a check that failed (nil: ignored). The
	// next check is still a day later.
	Failed func(error)
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Poll is how long Serve waits at most before reading the settings again (0: Poll).
	Poll time.Duration
}

// CheckIfDue checks for a newer version when the settings say one is due, and returns it
// with true. It returns false with a nil error when no check was due, the person has not
// agreed, or the published version is not newer. A check's time is saved before it runs.
func (b *Background) CheckIfDue(ctx context.Context) (Offer, bool, error) {
	s, err := LoadSettings(b.Settings)
	if err != nil || b.Checker == nil || !Due(s, b.now()) {
		return Offer{}, false, err
	}
	s.LastCheck = b.now()
	if err := SaveSettings(b.Settings, s); err != nil {
		return Offer{}, false, err // unrecorded, a check could run on every start: none runs
	}
	o, err := b.Checker.Check(ctx)
	if errors.Is(err, ErrNotNewer) {
		return Offer{}, false, nil
	}
	if err != nil {
		return Offer{}, false, err
	}
	return o, true, nil
}

// Serve checks when a check is due, at once and then whenever the next one falls due, until
// ctx ends; it blocks until then and returns nil. Run it on one goroutine, owned by the tray.
func (b *Background) Serve(ctx context.Context) error {
	for {
		o, ok, err := b.CheckIfDue(ctx)
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case err != nil && b.Failed != nil:
			b.Failed(err)
		case ok && b.Offered != nil:
			b.Offered(o)
		}
		timer := time.NewTimer(b.wait())
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
}

// wait is how long Serve sleeps before it looks again: until the next check falls due, and
// never longer than Poll, so a switch turned on in the window is seen.
func (b *Background) wait() time.Duration {
	poll := b.Poll
	if poll <= 0 {
		poll = Poll
	}
	s, err := LoadSettings(b.Settings)
	if err != nil || !s.Enabled {
		return poll
	}
	return max(min(s.LastCheck.Add(Interval).Sub(b.now()), poll), time.Second)
}

func (b *Background) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// Consent saves the person's answer to "check for updates once a day?": asked, and on only
// if yes. The time of the last check is kept.
func Consent(path string, yes bool) error {
	s, err := LoadSettings(path)
	if err != nil {
		s = Settings{} // an unreadable file is replaced by the answer
	}
	s.Asked, s.Enabled = true, yes
	return SaveSettings(path, s)
}

// HasPrevious reports whether dir keeps a previous version of MCP Tray (Apply kept it), so
// Rollback has something to go back to.
func HasPrevious(dir string) bool {
	for _, p := range Programs {
		if _, err := os.Stat(Previous(filepath.Join(dir, p+exeSuffix()))); err == nil {
			return true
		}
	}
	return false
}
