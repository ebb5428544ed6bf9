package app

import (
	"bufio"
	"io"
	"testing"
	"time"
)

func TestServeCarriesOutCommandsAndReportsIdle(t *testing.T) {
	h := newHarness(t, nil)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	served := make(chan struct{})
	go func() { h.u.Serve(inR, outW, 50*time.Millisecond); close(served) }()
	reports := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			reports <- sc.Text()
		}
	}()
	io.WriteString(inW, `{"seq":1,"do":{"show":"main"}}`+"\n")
	h.until("the main window shows", func() bool { return h.u.mainVisible })
	select {
	case r := <-reports:
		t.Fatalf("reported %s with the main window open", r)
	case <-time.After(200 * time.Millisecond):
	}
	io.WriteString(inW, "not json\n") // a line it does not understand changes nothing
	io.WriteString(inW, `{"seq":2,"do":{"notify":{"title":"T","body":"B"}}}`+"\n")
	h.until("the notification is sent", func() bool { h.mu.Lock(); defer h.mu.Unlock(); return len(h.notes) == 1 })
	// The person closes the main window (its close intercept hides it).
	h.u.main.win.Hide()
	h.u.mainVisible = false
	var got string
	h.until("the process reports itself idle", func() bool {
		select {
		case got = <-reports:
			return true
		default:
			return false
		}
	})
	if got != `{"idle":2}` {
		t.Errorf("report %s, want idle after command 2", got)
	}
	inW.Close() // the tray ends the process
	h.until("Serve returns", func() bool {
		select {
		case <-served:
			return true
		default:
			return false
		}
	})
}
