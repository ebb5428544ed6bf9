// Package guardrail keeps the limits a person sets on a server's tool calls: how long a call
// may run (a timeout the relay enforces), how many calls may start in a period (a rate), and
// how many may run or wait for the person at once (a cap). The daemon's gate asks a Book
// before every call; the call holds a Ticket until it has finished.
//
// It decides only from counts it keeps in memory: nothing is written, nothing is logged.
package guardrail
