// Package layout holds the tests that keep the architecture honest: the core packages stay
// free of Fyne, so they build and test without cgo or a display, and the GUI stays a renderer.
package layout
