// Package policy decides what happens to every tools/call that passes through MCP Tray: the
// per-tool rules (allow, ask, deny), the approval broker that holds an "ask" call until the
// person answers, tool pinning against rug pulls, description scanning for hidden
// instructions, and the hash-chained audit log. It does no I/O to the GUI: it publishes events
// that the app and the CLI render.
//
// The gateway uses it like this for every call:
//
//	v := engine.Decide(call)                  // cheap: a few map lookups, no allocation when allowed
//	d := v.Decision()
//	if v.Rule == policy.RuleAsk {
//		d, _ = broker.Ask(ctx, policy.Request{Call: call, Verdict: v}) // blocks until answered
//	}
//	switch d.Outcome {
//	case policy.Allowed:   // forward the request upstream
//	case policy.Denied:    // answer the client with a tool error carrying d.Message
//	case policy.Withdrawn: // the client went away; send nothing
//	}
//	auditLog.Append(policy.AuditEntry{Call: call, Decision: d, Outcome: ..., Duration: ...})
//
// and for every tools/list result it calls Engine.ObserveTools, then HideTools to drop the
// tools that policy hides (deny rules and tools blocked by a changed pin).
//
// The Engine and the Broker share one Grants value, so an "allow for this session" or
// "always allow" answer given in the broker is seen by the next Decide.
package policy
