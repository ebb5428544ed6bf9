package gate

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/policy"
)

// A Kubernetes server's call held for the person runs only where it was shown: switched to
// another context (or namespace) while it waited, the person's yes denies it instead (red
// team: approved on staging, it ran on production after `kube use … prod --yes`).
func TestApprovedCallDoesNotRunOnAContextSwitchedMeanwhile(t *testing.T) {
	for _, tc := range []struct {
		name      string
		after, ns string
		prod      bool
		allowed   bool
	}{
		{"unchanged", "staging", "", false, true},
		{"switched to production", "prod-eu", "", true, false},
		{"switched to another context", "dev", "", false, false},
		{"namespace limit changed", "staging", "apps", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			ctxName, prod, ns := "staging", false, ""
			engine := policy.NewEngine(policy.EngineOptions{})
			engine.SetRules(map[string]policy.ServerRules{"k8s": {Tools: map[string]policy.Rule{"kubectl": policy.RuleAsk}}})
			broker := policy.NewBroker(policy.BrokerOptions{})
			g := New(Options{Engine: engine, Broker: broker,
				Kube: func(string, string) (string, bool, bool) {
					mu.Lock()
					defer mu.Unlock()
					return ctxName, prod, true
				},
				KubeNamespace: func(string) string { mu.Lock(); defer mu.Unlock(); return ns },
			})
			s := &gateway.Session{ID: "1", Server: "k8s"}
			v := g.Call(s, "kubectl", json.RawMessage(`{"command":"delete pod x"}`))
			if v.Ask == nil {
				t.Fatalf("the call was not held: %+v", v)
			}
			done := make(chan gateway.CallVerdict, 1)
			go func() { done <- v.Ask(context.Background()) }()
			var id string
			for deadline := time.Now().Add(5 * time.Second); id == "" && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if p := broker.Pending(); len(p) > 0 {
					id = p[0].ID
				}
			}
			if id == "" {
				t.Fatal("the call never waited for the person")
			}
			mu.Lock()
			ctxName, prod, ns = tc.after, tc.prod, tc.ns
			mu.Unlock()
			if err := broker.Answer(id, policy.AllowOnce); err != nil {
				t.Fatal(err)
			}
			if got := <-done; got.Allow != tc.allowed {
				t.Errorf("allowed %v (message %q); want %v", got.Allow, got.Message, tc.allowed)
			}
		})
	}
}
