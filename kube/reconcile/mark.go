package reconcile

import (
	"fmt"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/kube"
)

// Mark marks s, a server about to be added as name, as a Kubernetes server (s.Kube set, no
// context chosen) when the person said it is one (asked: `server add --kube`) or MCP Tray
// recognises it by what it starts (kube.Recognise). It returns the sentence telling the
// person to choose its one context, and how to say it is not one when MCP Tray only
// recognised it; "" and s unchanged when s is not a Kubernetes server.
func Mark(s *config.Server, name string, asked bool) string {
	r, recognised := kube.Recognise(s.Command, s.Args, s.Env, s.Secrets)
	if !asked && !recognised {
		return ""
	}
	s.Kube = &config.Kube{}
	why, notOne := "you said it reaches Kubernetes", ""
	if recognised && !asked {
		why = r.Reason
		notOne = fmt.Sprintf(" If it is not a Kubernetes server, run `mcptray kube forget %s`.", name)
	} else if recognised {
		why = r.Reason
	}
	return fmt.Sprintf("It is a Kubernetes server (%s), so it does not start until you choose the one context it may use: see them with `mcptray kube contexts %s`, then run `mcptray kube use %s CONTEXT`.%s", why, name, name, notOne)
}
