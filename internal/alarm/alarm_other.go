//go:build !linux

package alarm

import "time"

// fdAlarm has no instance outside Linux: the alarm is a runtime timer there.
type fdAlarm struct{}

func newFD(func()) *fdAlarm { return nil }

func (*fdAlarm) set(time.Duration) {}

func (*fdAlarm) close() error { return nil }
