package alarm

import (
	"testing"
	"time"
)

// An armed alarm ticks, not before its time; a stopped one does not; a later Reset replaces
// an earlier one.
func TestAlarmTicksOnceArmedAndNotWhenStopped(t *testing.T) {
	a := New()
	defer a.Close()
	start := time.Now()
	a.Reset(30 * time.Millisecond)
	select {
	case <-a.C:
		if took := time.Since(start); took < 30*time.Millisecond {
			t.Fatalf("ticked after %v, armed for 30ms", took)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("an armed alarm never ticked")
	}
	a.Reset(20 * time.Millisecond)
	a.Stop()
	select {
	case <-a.C:
		t.Fatal("a stopped alarm ticked")
	case <-time.After(100 * time.Millisecond):
	}
	a.Reset(time.Hour)
	a.Reset(10 * time.Millisecond) // replaces the hour
	select {
	case <-a.C:
	case <-time.After(10 * time.Second):
		t.Fatal("the later, shorter Reset did not tick")
	}
}

// Close ends the alarm's goroutine; a closed alarm never ticks.
func TestAlarmClose(t *testing.T) {
	a := New()
	a.Reset(10 * time.Millisecond)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.C:
		t.Fatal("a closed alarm ticked")
	case <-time.After(100 * time.Millisecond):
	}
}

// Without a timerfd the alarm is a runtime timer, with the same behaviour.
func TestAlarmWithoutATimerfd(t *testing.T) {
	c := make(chan struct{}, 1)
	a := &Alarm{C: c, c: c}
	a.t = time.AfterFunc(time.Hour, a.tick)
	a.t.Stop()
	defer a.Close()
	a.Reset(10 * time.Millisecond)
	select {
	case <-a.C:
	case <-time.After(10 * time.Second):
		t.Fatal("the timer-based alarm never ticked")
	}
	a.Reset(10 * time.Millisecond)
	a.Stop()
	select {
	case <-a.C:
		t.Fatal("a stopped timer-based alarm ticked")
	case <-time.After(100 * time.Millisecond):
	}
}
