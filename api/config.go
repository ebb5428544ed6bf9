package api

import "github.com/mcptray/mcptray/config"

// Changes to config.json made outside MCP Tray wait for the person's confirmation.

// PendingResult is what config.pending answers: whether a change to config.json waits, what
// it would do in sentences, and the fingerprint that config.confirm must name. It is the
// acceptance's own type (config.Pending).
type PendingResult = config.Pending

// ConfirmParams names the reviewed change by its fingerprint.
type ConfirmParams struct {
	Fingerprint string `json:"fingerprint"`
}

// ExpectParams is a change the command line is about to write to config.json: the file as
// it read it under the config lock, and what it will write.
type ExpectParams struct {
	Before *config.Config `json:"before"`
	After  *config.Config `json:"after"`
}
