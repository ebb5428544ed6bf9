package policy

// Rule is what policy does with a tool call: allow it, ask the person, or deny it.
type Rule string

// The three rules. The zero Rule ("") means "no rule set" wherever a Rule is optional.
const (
	RuleAllow Rule = "allow"
	RuleAsk   Rule = "ask"
	RuleDeny  Rule = "deny"
)

// ServerRules are the person's overrides for one server, as config.json holds them.
// Trust allows every tool of the server that has no rule of its own (a tool whose pin is
// broken stays blocked, and a tool whose description was flagged still asks). Tools maps a
// tool name to the person's rule for it, which wins over everything except a broken pin.
type ServerRules struct {
	Trust bool            `json:"trust,omitempty"`
	Tools map[string]Rule `json:"tools,omitempty"`
}
