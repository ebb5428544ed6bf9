package release

import (
	"context"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// counting counts the requests a checker makes.
type counting struct{ n atomic.Int32 }

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestBackgroundChecksOnlyAfterConsentAndDaily(t *testing.T) {
	o := newOrigin(t)
	o.publish(t, "0.2.0", here(), map[string][]byte{"mcptray": []byte("new")})
	var net counting
	c := o.checker("0.1.0")
	c.Client = &http.Client{Transport: &net}
	now := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	b := &Background{Settings: SettingsFile(t.TempDir()), Checker: c, Now: func() time.Time { return now }}
	ctx := context.Background()

	if _, ok, err := b.CheckIfDue(ctx); ok || err != nil || net.n.Load() != 0 {
		t.Fatalf("before the person agreed: offered %v, err %v, %d requests; want nothing asked of the network", ok, err, net.n.Load())
	}
	if err := Consent(b.Settings, false); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := b.CheckIfDue(ctx); ok || net.n.Load() != 0 {
		t.Fatalf("after the person said no: %d requests", net.n.Load())
	}
	if err := Consent(b.Settings, true); err != nil {
		t.Fatal(err)
	}
	offer, ok, err := b.CheckIfDue(ctx)
	if err != nil || !ok || offer.Version != "0.2.0" {
		t.Fatalf("after the person agreed: %+v %v %v; want 0.2.0 offered", offer, ok, err)
	}
	s, _ := LoadSettings(b.Settings)
	if !s.Asked || !s.Enabled || !s.LastCheck.Equal(now) {
		t.Fatalf("settings after a check: %+v", s)
	}
	asked := net.n.Load()
	now = now.Add(Interval - time.Minute)
	if _, ok, _ := b.CheckIfDue(ctx); ok || net.n.Load() != asked {
		t.Fatalf("a second check within a day reached the network (%d requests, %d before)", net.n.Load(), asked)
	}
	now = now.Add(time.Minute)
	if _, ok, _ := b.CheckIfDue(ctx); !ok {
		t.Fatal("no check a day after the last")
	}
}

func TestBackgroundRecordsAFailedCheck(t *testing.T) {
	path := SettingsFile(t.TempDir())
	Consent(path, true)
	now := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	o := newOrigin(t) // publishes nothing valid: the check fails
	b := &Background{Settings: path, Checker: o.checker("0.1.0"), Now: func() time.Time { return now }}
	if _, ok, err := b.CheckIfDue(context.Background()); ok || err == nil {
		t.Fatalf("a broken manifest: ok %v, err %v; want an error", ok, err)
	}
	if s, _ := LoadSettings(path); !s.LastCheck.Equal(now) {
		t.Fatalf("a failed check was not recorded (%v): it would run again on every start", s.LastCheck)
	}
}

func TestBackgroundServeOffersAndEndsWithItsContext(t *testing.T) {
	o := newOrigin(t)
	o.publish(t, "0.2.0", here(), map[string][]byte{"mcptray": []byte("new")})
	path := filepath.Join(t.TempDir(), "state", "app-update.json")
	Consent(path, true)
	offers := make(chan Offer, 1)
	b := &Background{Settings: path, Checker: o.checker("0.1.0"), Offered: func(o Offer) { offers <- o }}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error)
	go func() { served <- b.Serve(ctx) }()
	if got := <-offers; got.Version != "0.2.0" {
		t.Fatalf("offered %+v", got)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}

func TestHasPrevious(t *testing.T) {
	o := newOrigin(t)
	o.publish(t, "0.2.0", here(), map[string][]byte{"mcptray": []byte("new")})
	dir := installFolder(t, map[string][]byte{"mcptray": []byte("old")})
	if HasPrevious(dir) {
		t.Fatal("a fresh install folder has a previous version")
	}
	offer, err := o.checker("0.1.0").Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := o.checker("0.1.0").Apply(context.Background(), offer, dir); err != nil {
		t.Fatal(err)
	}
	if !HasPrevious(dir) {
		t.Fatal("after an update, no previous version is seen")
	}
}
