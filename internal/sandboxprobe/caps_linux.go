package main

import (
	"errors"

	"golang.org/x/sys/unix"
)

// capabilities succeeds when the probe holds a capability (effective or permitted), as a
// server run by root would unless the sandbox drops them.
func capabilities() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return err
	}
	if data[0].Effective|data[1].Effective|data[0].Permitted|data[1].Permitted == 0 {
		return errors.New("no capabilities")
	}
	return nil
}
