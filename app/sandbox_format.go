package app

import (
	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/internal/display"
)

// sandboxLine says what a server may touch, for its details: "In its sandbox, it can read and
// change files in Documents/notes; cannot use the internet." or "It runs without a sandbox:
// …", with the offer to confine it (with the Change… button beside it) when nobody chose yet.
func sandboxLine(d api.ServerDetail) string {
	if d.Sandbox == "" {
		return ""
	}
	s := display.Line(d.Sandbox)
	if d.Confined {
		return "In its sandbox, it " + s + "."
	}
	line := "It " + s + "."
	if s == "runs without a sandbox: it can touch everything you can" {
		line += " To confine it, choose Change…"
	}
	return line
}
