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
	ticksAndStops(t, a)
	a.Reset(time.Hour)
	a.Reset(10 * time.Millisecond) // replaces the hour
	wantTick(t, a, "the later, shorter Reset")
}

// Without a timerfd the alarm is a runtime timer, with the same behaviour.
func TestAlarmWithoutATimerfd(t *testing.T) {
	a := unset()
	a.useTimer()
	defer a.Close()
	ticksAndStops(t, a)
}

// Close ends the alarm's goroutine; a closed alarm never ticks.
func TestAlarmClose(t *testing.T) {
	a := New()
	a.Reset(10 * time.Millisecond)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	wantNoTick(t, a, "a closed alarm")
}

// ticksAndStops checks that a ticks once armed, not before its time, and not once stopped.
func ticksAndStops(t *testing.T, a *Alarm) {
	t.Helper()
	start := time.Now()
	a.Reset(30 * time.Millisecond)
	wantTick(t, a, "an armed alarm")
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Fatalf("ticked after %v, armed for 30ms", took)
	}
	a.Reset(20 * time.Millisecond)
	a.Stop()
	wantNoTick(t, a, "a stopped alarm")
}

func wantTick(t *testing.T, a *Alarm, what string) {
	t.Helper()
	select {
	case <-a.C:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never ticked", what)
	}
}

func wantNoTick(t *testing.T, a *Alarm, what string) {
	t.Helper()
	select {
	case <-a.C:
		t.Fatalf("%s ticked", what)
	case <-time.After(100 * time.Millisecond):
	}
}
