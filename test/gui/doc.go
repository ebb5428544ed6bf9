// Package gui runs the real tray app (bin/mcptray-app, built with the gui tag) under Xvfb: a
// real MCP client calls a tool whose rule is ask, the test finds the approval window with
// xdotool, presses Enter in it and sees the call complete. Its benchmarks measure the tray
// app's idle memory, the time from a held call to its window, and cold start. It needs Xvfb,
// xdotool, ImageMagick (import) and dbus-daemon; it has no non-test code.
//
// Screenshots go to $MCPTRAY_ARTIFACTS, or test/gui/artifacts when it is not set.
package gui
