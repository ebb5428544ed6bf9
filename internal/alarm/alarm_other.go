//go:build !linux

package alarm

import "time"

// impl is a runtime timer sending on the alarm's channel.
type impl struct{ t *time.Timer }

func (a *Alarm) start(c chan<- struct{}) error {
	a.t = time.AfterFunc(time.Hour, func() {
		select {
		case c <- struct{}{}:
		default:
		}
	})
	a.t.Stop()
	return nil
}

// Reset arms the alarm to tick d from now (at once for d ≤ 0), replacing any earlier setting.
func (a *Alarm) Reset(d time.Duration) { a.t.Reset(max(d, 0)) }

// Stop disarms the alarm.
func (a *Alarm) Stop() { a.t.Stop() }

// Close disarms the alarm.
func (a *Alarm) Close() error {
	a.t.Stop()
	return nil
}
