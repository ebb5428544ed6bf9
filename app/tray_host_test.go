package app

import (
	"errors"
	"fmt"
	"testing"

	"github.com/godbus/dbus/v5"
)

// TestOnlyAClosedBusIsSwallowed: the tray swallows the panic of a redraw on a closed D-Bus
// connection (MCP Tray is quitting) and nothing else.
func TestOnlyAClosedBusIsSwallowed(t *testing.T) {
	for _, tc := range []struct {
		panic any
		want  bool
	}{
		{dbus.ErrClosed, true},
		{fmt.Errorf("setting IconPixmap: %w", dbus.ErrClosed), true},
		{errors.New("dbus: invalid method name"), false},
		{"connection closed", false}, // a string, not the bus's error
		{nil, false},
	} {
		if got := isClosedBus(tc.panic); got != tc.want {
			t.Errorf("isClosedBus(%v) = %v, want %v", tc.panic, got, tc.want)
		}
	}
}
