package config

// guardrails holds back limits and data-loss checks that would let more through (see Review).
func (r *reviewer) guardrails(name string, a, p *Server) {
	if LimitsLoosen(a.Limits, p.Limits) {
		r.say("The server %s would have fewer or looser limits on its tool calls (timeouts, rates or calls at once).", q(name))
		p.Limits = a.Limits
	}
	if DLPLoosens(a.DLP, p.DLP) {
		r.say("The server %s would check less of what leaves through its tool calls (secrets, private keys, credentials).", q(name))
		p.DLP = a.DLP
	}
}
