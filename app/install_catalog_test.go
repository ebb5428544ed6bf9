package app

import (
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/installer"
)

// blackHole is a registry address that accepts connections and never answers, as a
// network that drops packets looks to the daemon's HTTP client.
func blackHole(t *testing.T) (addr string, accepted func() int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, unanswered, until the test ends
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String(), func() int { mu.Lock(); defer mu.Unlock(); return len(conns) }
}

// refusing is a registry address where nothing listens: connections are refused at once.
func refusing(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// With the MCP Registry unreachable, the install dialog lists the built-in catalog the moment
// it opens, lets the person pick, and when the daemon's answer comes (after its registry
// timeout for a registry that never answers) says in one quiet line that only MCP Tray's own
// list is shown; the pick survives the answer. Through the real daemon, as the window asks it.
func TestCatalogShowsAtOnceWhenTheRegistryIsUnreachable(t *testing.T) {
	hole, accepted := blackHole(t)
	for _, tt := range []struct {
		name, url string
		asked     func() bool // the daemon did ask this registry
	}{
		{"a registry that never answers", hole, func() bool { return accepted() > 0 }},
		{"a registry that refuses", refusing(t), func() bool { return true }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newWindowHarness(t)
			if err := h.home.Update(func(c *config.Config) error { c.Settings.RegistryURL = tt.url; return nil }); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			test.Tap(h.u.main.add)
			d := h.u.main.install
			// No queued work has run yet: what shows now shows without waiting for anyone.
			if len(d.entries) < 20 || len(d.shown) < 20 {
				t.Fatalf("the dialog opened with %d entries listed; want the built-in catalog at once", len(d.shown))
			}
			if d.pickNote.Text != "" {
				t.Errorf("while the daemon is asked the dialog says %q; want nothing", d.pickNote.Text)
			}
			i := slices.IndexFunc(d.shown, func(e installer.EntryView) bool { return e.ID == "filesystem" })
			if i < 0 {
				t.Fatal("the built-in list lacks filesystem")
			}
			d.list.Select(i)
			h.untilFor(15*time.Second, "the daemon answers", func() bool { return d.note != "" })
			took := time.Since(start)
			t.Logf("the daemon answered after %v", took)
			if !tt.asked() {
				t.Error("the daemon did not ask the registry; the test proves nothing")
			}
			if d.pickNote.Text != noteOwnListOnly {
				t.Errorf("after the answer the dialog says %q; want %q", d.pickNote.Text, noteOwnListOnly)
			}
			if len(d.shown) < 20 {
				t.Errorf("after the answer %d entries are listed", len(d.shown))
			}
			if d.chosen == nil || d.chosen.ID != "filesystem" || d.next.Disabled() {
				t.Errorf("the answer undid the pick: chosen %v, Next disabled %v", d.chosen, d.next.Disabled())
			}
			// Nothing matches: the line says the online directory was not searched either.
			test.Type(d.search, "zzqx")
			if d.pickNote.Text != noteNoMatchHere {
				t.Errorf("no match says %q", d.pickNote.Text)
			}
		})
	}
}

func TestRegistryNote(t *testing.T) {
	own := installer.EntryView{ID: "filesystem", Origin: catalog.OriginEmbedded.String()}
	reg := installer.EntryView{ID: "io.github.x/weather", Origin: catalog.OriginRegistry.String()}
	for _, tt := range []struct {
		res  installer.ListResult
		want string
	}{
		{installer.ListResult{Registry: installer.RegistryLive, Entries: []installer.EntryView{own, reg}}, ""},
		{installer.ListResult{Registry: installer.RegistryOff, Entries: []installer.EntryView{own}}, ""},
		{installer.ListResult{Registry: installer.RegistryCached, Entries: []installer.EntryView{own}}, noteOwnListOnly},
		{installer.ListResult{Registry: installer.RegistryCached, Entries: []installer.EntryView{own, reg}}, noteLastSeen},
	} {
		if got := registryNote(tt.res); got != tt.want {
			t.Errorf("registryNote(%s, %d entries) = %q, want %q", tt.res.Registry, len(tt.res.Entries), got, tt.want)
		}
	}
}

// The everything test server is for developers: the window's list and the welcome window
// leave it out unless the person names it exactly, and it still installs by its id.
func TestTestServerIsHiddenFromPeople(t *testing.T) {
	views := builtInViews()
	if !slices.ContainsFunc(views, func(e installer.EntryView) bool { return e.ID == "everything" }) {
		t.Fatal("the built-in catalog lacks everything")
	}
	has := func(list []installer.EntryView) bool {
		return slices.ContainsFunc(list, func(e installer.EntryView) bool { return e.ID == "everything" })
	}
	for _, q := range []string{"", "test", "demo", "every", "developer tools"} {
		if has(filterCatalog(views, allCategories, q)) {
			t.Errorf("searching %q lists the everything test server", q)
		}
	}
	for _, q := range []string{"everything", " Everything ", "io.github.modelcontextprotocol/server-everything", "Everything (test server)"} {
		if !has(filterCatalog(views, allCategories, q)) {
			t.Errorf("searching %q, its exact name, does not list the everything test server", q)
		}
	}
	// Only the built-in catalog's mark counts: a registry entry of the same id is listed.
	if got := forEveryone([]installer.EntryView{{ID: "everything", Origin: catalog.OriginRegistry.String()}}, ""); len(got) != 1 {
		t.Error("a registry entry with the id of a built-in test server is left out")
	}
	// The welcome window never suggests it, even when nothing else could fill the places.
	var only []installer.EntryView
	for _, e := range views {
		if e.ID == "everything" {
			e.RuntimeMissing = ""
			only = append(only, e)
		}
	}
	if got := pickSuggestions(only); len(got) != 0 {
		t.Errorf("the welcome window suggests %v", got)
	}
}
