package api

import "github.com/mcptray/mcptray/kube/reconcile"

// Kubernetes servers and the kubeconfig context each one reaches.

// KubeContextsParams selects the Kubernetes servers to list; "" means all of them.
type KubeContextsParams struct {
	Server string `json:"server,omitempty"`
}

// The listing and the switch are the Kubernetes reconciler's own types (package
// kube/reconcile), declared once there.
type (
	// KubeContextsResult is the answer of kube.contexts: every Kubernetes server, and a
	// sentence saying why the kubeconfig could not be read ("" when it could).
	KubeContextsResult = reconcile.Listing
	// KubeServer is one Kubernetes server, the context it uses ("" when none is chosen), the
	// namespace it is limited to, and every context it could use.
	KubeServer = reconcile.Server
	// KubeContext is one context of the person's kubeconfig.
	KubeContext = reconcile.Context
	// KubeUseParams switches a server to a context; Yes confirms a production context
	// (without it, a production context is refused with ErrNeedsConfirmation). Namespace
	// limits the server to one namespace of it; "" lifts any limit.
	KubeUseParams = reconcile.Choice
)

// KubeForgetParams names a server the person says is not a Kubernetes server.
type KubeForgetParams struct {
	Server string `json:"server"`
}
