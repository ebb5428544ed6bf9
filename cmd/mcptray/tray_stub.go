package main

import "errors"

// runTray starts the GUI; replaced when the app package lands.
func runTray(e *env) error { return errors.New("the tray app is not built into this binary") }
