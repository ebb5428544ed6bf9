package app

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/internal/childproc"
)

// The tray and the windows live in two processes. The tray process (the daemon, the tray
// icon and its menu) stays small; the window process draws with Fyne and OpenGL and runs only
// while a window may be on screen. The tray starts it with a first command, sends it more on
// its standard input and ends it by closing that input (internal/childproc has the wire
// format and the parent's side; Serve is the child's).

// command is what the tray asks of the window process; exactly one field is set.
type command struct {
	// Show opens a window: "main", "approvals", "welcome" (welcome.go), or "config" (the main
	// window with the changes to config.json that wait for the person).
	Show string `json:"show,omitempty"`
	// Confirm asks the person before a server is pointed at a production context.
	Confirm *api.KubeUseParams `json:"confirm,omitempty"`
	// Problem is the sentence of something started from the tray that failed.
	Problem string `json:"problem,omitempty"`
	// Notify is a desktop notification to send.
	Notify *notice `json:"notify,omitempty"`
	// Prepare shows nothing: it starts the window process ahead of a prompt that may come
	// soon (an AI app just connected to a server), so that the prompt does not wait for the
	// process and its GUI toolkit to start. The process ends after its linger, as always
	// when no window is open.
	Prepare bool `json:"prepare,omitempty"`
}

// notice is a desktop notification.
type notice struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// Serve takes the tray's commands from in and reports to out until in ends, then quits the
// GUI. The process reports itself idle once no window has been open for linger. Call it on
// its own goroutine before Run.
func (u *UI) Serve(in io.Reader, out io.Writer, linger time.Duration) {
	write := func(r childproc.Report) { // only the idle watcher writes
		b, _ := json.Marshal(r)
		out.Write(append(b, '\n'))
	}
	stop := make(chan struct{})
	go u.watchIdle(linger, stop, write)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var env struct {
			Seq int     `json:"seq"`
			Do  command `json:"do"`
		}
		if json.Unmarshal(sc.Bytes(), &env) != nil {
			continue // a line this window process does not understand
		}
		u.do(func() { u.command(env.Seq, env.Do) })
	}
	close(stop)
	u.Quit()
}

// watchIdle reports the window process idle once no window has been open for linger, and
// again only after a window was open in between.
func (u *UI) watchIdle(linger time.Duration, stop <-chan struct{}, write func(childproc.Report)) {
	tick := time.NewTicker(min(time.Second, max(linger/4, 10*time.Millisecond)))
	defer tick.Stop()
	var since time.Time // when the windows were last seen closed; zero while one is open
	told := false
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		busy, seq := true, 0
		u.doWait(func() { busy, seq = u.busy(), u.seq })
		now := time.Now()
		switch {
		case busy:
			since, told = time.Time{}, false
		case since.IsZero():
			since = now
		}
		if !busy && !told && now.Sub(since) >= linger {
			told = true
			write(childproc.Report{Idle: &seq})
		}
	}
}

// doWait runs f on the UI goroutine and waits for it, or gives up once the GUI has quit.
func (u *UI) doWait(f func()) {
	done := make(chan struct{})
	u.do(func() { f(); close(done) })
	select {
	case <-done:
	case <-u.stopped:
	}
}

// command carries out the tray's command number seq. UI goroutine only.
func (u *UI) command(seq int, c command) {
	u.seq = max(u.seq, seq)
	switch {
	case c.Show == "main":
		u.showMain()
	case c.Show == "welcome":
		u.showWelcome()
	case c.Show == "approvals":
		u.approvals.show()
	case c.Show == "config":
		w := u.showMain()
		w.pending.fetch()
	case c.Confirm != nil:
		u.confirmProduction(c.Confirm.Server, c.Confirm.Context)
	case c.Problem != "":
		u.trayProblem(errors.New(c.Problem))
	case c.Notify != nil:
		u.notices.info(c.Notify.Title, c.Notify.Title, c.Notify.Body)
	case c.Prepare:
		// Started, which is all it asks.
	}
}

// busy reports whether a window is open or a call waits for the person. UI goroutine only.
func (u *UI) busy() bool {
	return u.mainVisible || u.dialogs > 0 || len(u.approvals.waiting()) > 0
}

// dialog counts w as open until it closes, then calls closed (which may be nil): the window
// process stays while it is on screen. UI goroutine only.
func (u *UI) dialog(w fyne.Window, closed func()) {
	u.dialogs++
	w.SetOnClosed(func() {
		u.dialogs--
		if closed != nil {
			closed()
		}
	})
}
