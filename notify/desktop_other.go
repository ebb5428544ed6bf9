//go:build !linux && !(windows && mcptray_toast) && !(darwin && mcptray_purego)

package notify

// OpenDesktop returns ErrUnsupported on this system: MCP Tray has no native notifications
// with actions here yet (the package doc says what one needs), so the GUI keeps its own
// notifications and the approval prompt.
func OpenDesktop(Options) (Notifier, error) { return nil, ErrUnsupported }
