package catalog

import "errors"

// Sentinel errors. Callers test them with errors.Is; the wrapped messages name the field,
// question or server involved, so the CLI and GUI can print them as one plain sentence.
var (
	// ErrInvalidEntry marks a server.json document that MCP Tray refuses to use: a required
	// field is missing, a version is a range, a package type is unknown, and so on.
	ErrInvalidEntry = errors.New("this catalog entry is not valid")

	// ErrMissingAnswer marks a required question that has no answer and no default.
	ErrMissingAnswer = errors.New("a required setting is missing")

	// ErrBadAnswer marks an answer that does not fit its question: wrong format, not one of
	// the choices, a relative path, or characters that cannot go on a command line.
	ErrBadAnswer = errors.New("a setting has a value MCP Tray cannot use")

	// ErrUnknownAnswer marks an answer whose key matches no question of the entry, which is
	// almost always a typo in a --set flag.
	ErrUnknownAnswer = errors.New("a setting does not exist for this server")

	// ErrSecretInArgs marks an entry that would put a secret on the command line, where other
	// programs on the computer can read it. MCP Tray refuses to install it.
	ErrSecretInArgs = errors.New("this server would need a secret on its command line")

	// ErrUnsupported marks an entry MCP Tray understands but cannot run, such as a package
	// hosted on a private Python index.
	ErrUnsupported = errors.New("MCP Tray cannot run this server")

	// ErrNotFound means the registry has no server with the requested name.
	ErrNotFound = errors.New("the MCP Registry has no server with that name")

	// ErrOffline means the registry could not be reached (network down, timeout, server
	// error) and nothing usable was cached.
	ErrOffline = errors.New("could not reach the MCP Registry")

	// ErrBadResponse means the registry answered with something that is not the documented
	// JSON shape.
	ErrBadResponse = errors.New("the MCP Registry sent an answer MCP Tray could not read")
)
