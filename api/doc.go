// Package api is the one declaration of MCP Tray's control methods: the daemon serves them,
// and the command line and the window call them. Each method is a value — a Method for a call
// with one answer, a Stream for a series of events — that carries its name on the wire, its
// params, result or event type, the errors it can return and whether it may loosen what the
// person chose. Nothing outside this package names a method by a string (a test in
// internal/layout fails if something does), and nothing recognises an error by its text:
// callers use errors.Is with this package's sentinels (ErrNotFound, ErrNotFromPerson, …).
//
// The contract on both sides:
//
//   - Call and OpenStream (client side) encode params as JSON, and decode the answer into the
//     declared type (OpenStreamRaw hands a stream's events on undecoded, for --json). A failure
//     the daemon reports comes back as an *Error whose Message is one sentence for a person
//     and which matches its code's sentinel with errors.Is; a method the running daemon does
//     not know (it is older) matches ErrUnknownMethod. ErrNotRunning means no daemon answers.
//   - Handle and HandleStream (server side) decode params before the handler runs; params
//     that do not decode are refused with ErrBadRequest in one plain sentence, and the
//     handler never sees them. An error a handler returns reaches the caller as it is when it
//     is an *Error (see Errorf) or a *control.Error, otherwise as ErrFailed with its text,
//     which must then be a sentence for a person.
//   - A method's Loosens says whether only the person may call it (DESIGN.md, "Who may
//     loosen"); the daemon's authority check reads it from the declaration, so it is part of
//     the method's security, not documentation.
//   - Fields of params and results are only ever added, never renamed or removed: the command
//     line of one version talks to the daemon of another. docs/app-api.md is generated from
//     All (go test ./api -update), and a test fails while it is stale.
//
// api imports the core's data packages (config, policy, supervisor, installer, gateway,
// clients/reconcile, control) for the types the methods carry; it imports no daemon, window or
// command code, and only the daemon, the command line, the window and the end-to-end tests
// import it (internal/layout checks both).
package api
