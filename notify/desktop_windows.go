//go:build windows && mcptray_toast

package notify

import (
	_ "embed"
	"encoding/base64"
	"os"
	"os/exec"
	"syscall"
	"unicode/utf16"
)

// toastHelperScript is the PowerShell side of the Windows notifier (helper.go says what it
// speaks).
//
//go:embed toast_helper.ps1
var toastHelperScript string

// createNoWindow keeps the helper's console window from flashing up.
const createNoWindow = 0x08000000

// OpenDesktop starts the toast helper: Windows PowerShell driving WinRT toast notifications
// (Windows 10 and 11), shown under Options.AppID. Buttons are toast actions activated in the
// background; their clicks reach this process while it runs, through the helper. It fails
// with ErrNoService when PowerShell or WinRT toasts are not there (Windows Server Core, a
// session without a desktop). Close the notifier when done: it owns the helper process.
func OpenDesktop(opts Options) (Notifier, error) {
	opts = opts.withDefaults()
	cmd := exec.Command(powershell(), "-NoLogo", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
		"-EncodedCommand", encodeCommand(toastHelperScript))
	cmd.Env = append(os.Environ(), "MCPTRAY_TOAST_APPID="+opts.AppID, "MCPTRAY_TOAST_APPNAME="+opts.AppName)
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
	return startHelper(cmd, opts)
}

// powershell is Windows PowerShell's full path, so that no powershell.exe earlier in PATH is
// run instead.
func powershell() string {
	root := os.Getenv("SystemRoot")
	if root == "" {
		root = `C:\Windows`
	}
	return root + `\System32\WindowsPowerShell\v1.0\powershell.exe`
}

// encodeCommand is a script as -EncodedCommand takes it: base64 of UTF-16LE.
func encodeCommand(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}
