// Package gui runs the real tray app (bin/mcptray-app, built with the gui tag) under Xvfb: a
// real MCP client calls a tool whose rule is ask, the test finds the approval window with
// xdotool, presses Enter in it and sees the call complete. TestFirstRun plays a new person's
// first minute, from the welcome window to a call approved from the desktop notification
// (docs/first-run.md). Its benchmarks measure the tray app's idle memory, the time from a
// held call to its window, cold start, and that first minute. It needs Xvfb, xdotool,
// ImageMagick (import), dbus-daemon and gnome-keyring; the first run also needs openbox,
// dunst and npm. It has no non-test code.
//
// Screenshots go to $MCPTRAY_ARTIFACTS, or test/gui/artifacts when it is not set; with
// MCPTRAY_SCREENSHOTS=1 the first run also writes the README's to docs/screenshots.
package gui
