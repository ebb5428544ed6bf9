// Package authority decides who may loosen. Approving a call and every change that lets more
// through come only from the person: the window, the tray, or a terminal they opened
// themselves. A server MCP Tray started, or an AI app with a bridge open (and every program
// either of them starts, such as an agent's shell), must not be able to approve its own calls
// or widen its own permissions. The daemon knows who asks from the socket (the peer's pid as
// the operating system reports it); this package walks that process's ancestry (Authority)
// and judges whether a request loosens (Rule, Ambiguous). Tightening is allowed from anywhere.
//
// Which methods loosen is declared with each method in package api; the daemon wires the two
// into control.Server's guard (Guard), which runs before every handler, so no handler can
// forget it.
package authority
