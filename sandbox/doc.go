// Package sandbox confines a server process to what it needs, with what the operating system
// already has: Landlock (plus user, mount and network namespaces where the kernel allows them)
// on Linux, a generated sandbox-exec profile on macOS, and a restricted low-integrity token on
// Windows.
//
// One description, three enforcements: a Spec is what the person declared for a server (the
// folders it may read, the folders it may change, whether it may use the network). Spec.Rules
// adds what every server needs to run at all — the system, its runtime (the Node, Python or uv
// installation its command comes from, their package caches), its own state and temp folders
// — and names what must stay out of reach however the Spec reads: MCP Tray's home and its
// control socket. Wrap turns a command into its confined twin for the current operating
// system; Describe says in plain sentences what a server can and cannot do.
//
// On Linux, Landlock restricts the process that asks for it, so confinement happens in a
// helper: Wrap makes the command start this same executable under the name "mcptray-sandbox";
// the package's init recognises that name, sets up the namespaces, restricts itself and
// execs the server in place, so the process id the supervisor holds is the server's.
package sandbox
