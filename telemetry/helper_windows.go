package telemetry

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// quiet keeps the helper, a console program, from opening a console window when the tray
// app (a GUI program) runs the daemon.
func quiet(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: windows.CREATE_NO_WINDOW}
}
