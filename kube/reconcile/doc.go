// Package reconcile keeps MCP Tray's Kubernetes servers on the context the person chose: it
// writes each one's one-context kubeconfig (File) and points every other server at an empty
// one (EmptyFile), refuses to start a server whose context is gone or unchosen, watches the
// person's kubeconfig files, and tells the policy engine which context a call runs in and
// whether that is production (Scope). It also carries out the person's choices (Use, Forget)
// and keeps "always allow" answers bound to the context they were given on (Grants).
//
// It is separate from package kube, which only reads and writes kubeconfigs: policy imports
// kube, and this package imports policy. It knows nothing of the daemon: the supervisor, the
// reload and the daemon's notes come in through Options.
package reconcile
