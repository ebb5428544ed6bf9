package daemon

import "github.com/mcptray/mcptray/supervisor"

// statuses returns every server's status as the supervisor reports it, with the pid of a
// shared server's process filled in: the supervisor keeps no spare for a shared server, and
// the process it handed to the hub is the one the person wants to see (and measure).
func (d *Daemon) statuses() []supervisor.Status {
	st := d.sup.Status()
	for i := range st {
		if st[i].Pid == 0 {
			st[i].Pid = d.shared.pid(st[i].Name)
		}
	}
	return st
}
