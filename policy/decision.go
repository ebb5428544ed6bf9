package policy

import (
	"fmt"
	"strconv"
	"time"
)

// Call is one tools/call as the gateway sees it.
type Call struct {
	// Client names the AI client (for example "Claude Desktop"), for the prompt and the audit.
	// It is what the client says about itself: anything may claim any name.
	Client string
	// App is the executable that started the bridge, as the operating system reports it
	// (gateway.Session.App); "" when it could not be read. The prompt shows it beside Client.
	App string
	// Session identifies one bridge connection; "allow for this session" grants are bound
	// to it. "" means the call has no session and that answer is not offered.
	Session string
	// Server is the server's name in config.json; Tool is the tool's name.
	Server, Tool string
	// Host is where a remote server runs (its address's host and port, for the audit); ""
	// for a server on this computer.
	Host string
	// Scope is the context the call runs in, for example the kube context; "" for none.
	// Always grants are bound to it.
	Scope string
	// Production marks Scope as a production context: every tool that is not read-only then
	// asks, even one the person set to allow or a trusted server's, and "always allow" is
	// never offered or honoured for it.
	Production bool
	// Kube marks a call to a Kubernetes server, whose Scope is the kube context chosen for it:
	// arguments naming another context or a kubeconfig of their own are refused, and the
	// approval shows the context.
	Kube bool
	// Namespace, on a Kubernetes server limited to one namespace, is that namespace:
	// arguments naming another namespace, or all of them, are refused. "" for no limit.
	Namespace string
	// Arguments are the raw arguments of the call. Policy only shows them (redacted) and
	// digests them for the audit log.
	Arguments []byte
}

// Outcome is how a call's decision came out.
type Outcome string

// The outcomes of a decision.
const (
	Allowed   Outcome = "allowed"
	Denied    Outcome = "denied"
	Withdrawn Outcome = "withdrawn" // the client cancelled or went away while it was held
)

// DecidedBy says who decided a call.
type DecidedBy string

// Who can decide a call.
const (
	ByPerson DecidedBy = "person"
	// ByTimeout is MCP Tray itself refusing a call nobody answered in time: never the person.
	ByTimeout   DecidedBy = "timeout"
	ByRule      DecidedBy = "rule" // a rule, a default, or an earlier grant
	ByWithdrawn DecidedBy = "withdrawn"
)

// Answer is the person's answer to an approval.
type Answer int

// The answers a person can give.
const (
	AllowOnce    Answer = iota + 1 // this call only
	AllowSession                   // this tool, for the rest of this bridge connection
	AlwaysAllow                    // this tool in this scope, from now on (saved in config.json)
	Deny                           // this call is refused
)

var answerNames = map[Answer]string{AllowOnce: "allow once", AllowSession: "allow for this session", AlwaysAllow: "always allow", Deny: "deny"}

// String returns the answer in words, as the prompt shows it.
func (a Answer) String() string {
	if s, ok := answerNames[a]; ok {
		return s
	}
	return "answer(" + strconv.Itoa(int(a)) + ")"
}

// MarshalText writes the answer in words, so JSON carries "allow once" rather than a number.
func (a Answer) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads what MarshalText wrote, so events and audit lines decode again.
func (a *Answer) UnmarshalText(b []byte) error {
	for v, name := range answerNames {
		if name == string(b) {
			*a = v
			return nil
		}
	}
	return fmt.Errorf("%q is not an answer to an approval", b)
}

// Decision is the final word on one call.
type Decision struct {
	Outcome   Outcome   `json:"outcome"`
	DecidedBy DecidedBy `json:"decided_by"`
	// Answer is the person's answer when DecidedBy is ByPerson, else 0.
	Answer Answer `json:"answer,omitempty"`
	// Reason is a plain sentence saying why, for the audit log and the person.
	Reason string `json:"reason"`
	// Message is the plain sentence a denied client receives as the tool result; "" unless
	// Outcome is Denied.
	Message string `json:"message,omitempty"`
	// ApprovalID is the id of the approval that held the call, "" if none was raised.
	ApprovalID string `json:"approval_id,omitempty"`
	// Waited is how long the call was held for the person.
	Waited time.Duration `json:"waited_ns"`
}

// IsAllowed reports whether the call may be forwarded to the server.
func (d Decision) IsAllowed() bool { return d.Outcome == Allowed }

func timeoutMessage(d time.Duration) string {
	secs := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	unit := "seconds"
	if secs == "1" {
		unit = "second"
	}
	return fmt.Sprintf("Denied: no answer within %s %s", secs, unit)
}

const messageDeniedByPerson = "Denied: the person declined this call in MCP Tray."
