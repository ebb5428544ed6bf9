package api

import "github.com/mcptray/mcptray/config"

// LimitParams changes the limits of one server (policy.limit): the change is applied by
// config.Server.ChangeLimit, offline and through the daemon alike.
type LimitParams struct {
	Name string `json:"name"`
	config.LimitChange
}

// PolicyLimit sets or clears a server's timeouts, rate limits and concurrency caps.
var PolicyLimit = Method[LimitParams, None]{Name: "policy.limit", Errors: []error{ErrNotFound, ErrBadRequest, ErrNotFromPerson},
	Loosens: LoosensSometimes, LoosensWhen: "it clears a limit, or makes a timeout longer or a rate or cap higher",
	Doc: "Sets or clears a server's limits: a timeout, a rate and a cap on calls at once, per tool and AI app."}
