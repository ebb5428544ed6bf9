package kube_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestServerWithoutContextDoesNotStart(t *testing.T) {
	w := newWorld(t)
	w.u.Eventually("k8s is held back", func() bool { return w.u.State("k8s").State == "failed" })
	ks := w.contexts(t)
	if ks.Context != "" || !strings.Contains(ks.Problem, "mcptray kube use k8s CONTEXT") {
		t.Errorf("before a choice: context %q, problem %q", ks.Context, ks.Problem)
	}
	if text, _ := w.call(t, "namespaces_list", "{}"); !strings.Contains(text, "choose its Kubernetes context first: mcptray kube use k8s CONTEXT") {
		t.Errorf("connecting before a choice: %q", text)
	}
	if _, err := os.Stat(w.kubeFile); !os.IsNotExist(err) {
		t.Errorf("a kubeconfig was written before a context was chosen: %v", err)
	}
	if r := append(w.staging.Requests(), w.prod.Requests()...); len(r) != 0 {
		t.Errorf("a cluster was reached before a context was chosen: %+v", r)
	}
	// The list marks production and says which context is in use.
	var got []string
	for _, c := range ks.Contexts {
		got = append(got, c.Name+"/"+c.Cluster+map[bool]string{true: "/production"}[c.Production])
	}
	if d := cmp.Diff([]string{"prod-eu/prod/production", "staging/staging"}, got); d != "" {
		t.Errorf("contexts (-want +got):\n%s", d)
	}
	human := w.u.OK("kube", "contexts")
	for _, want := range []string{"k8s: no context chosen yet", "prod-eu", "PRODUCTION"} {
		if !strings.Contains(human, want) {
			t.Errorf("kube contexts does not say %q:\n%s", want, human)
		}
	}
}

func TestStagingReachesOnlyStaging(t *testing.T) {
	w := newWorld(t)
	out := w.u.OK("kube", "use", "k8s", "staging")
	if !strings.Contains(out, "k8s now uses the Kubernetes context staging") || !strings.Contains(out, "new connections use staging") {
		t.Errorf("kube use said:\n%s", out)
	}
	w.u.WaitRunning("k8s")
	fi, err := os.Stat(w.kubeFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the one-context kubeconfig: %v %v, want mode 0600", fi, err)
	}
	written, _ := os.ReadFile(w.kubeFile)
	if strings.Contains(string(written), "prod") || strings.Count(string(written), "- name:") != 3 {
		t.Errorf("the written kubeconfig holds more than the staging context:\n%s", written)
	}
	text, isErr := w.call(t, "namespaces_list", "{}")
	if isErr || !strings.Contains(text, "staging-apps") {
		t.Fatalf("namespaces_list through mcptray connect: %q", text)
	}
	if !w.staging.Reached("/api/v1/namespaces") {
		t.Errorf("staging never got the namespace list: %+v", w.staging.Requests())
	}
	if r := w.prod.Requests(); len(r) != 0 {
		t.Errorf("production was reached while k8s uses staging: %+v", r)
	}
	// A kubectl use-context in a terminal (current-context in the source) changes nothing.
	b, _ := os.ReadFile(w.stagingFile)
	os.WriteFile(w.stagingFile, []byte(strings.Replace(string(b), "current-context: staging", "current-context: prod-eu", 1)), 0o600)
	// A tool argument naming another context is refused before it reaches a server.
	text, isErr = w.call(t, "namespaces_list", `{"context":"prod-eu"}`)
	if !isErr || !strings.Contains(text, `may only use "staging"`) {
		t.Errorf("a call naming prod-eu answered %q", text)
	}
	if after, _ := os.ReadFile(w.kubeFile); string(after) != string(written) {
		t.Errorf("a current-context change in the source changed the written file:\n%s", after)
	}
	if r := w.prod.Requests(); len(r) != 0 {
		t.Errorf("production was reached: %+v", r)
	}
}

func TestProductionNeedsConfirmationAndApprovalEveryTime(t *testing.T) {
	w := newWorld(t)
	w.u.OK("kube", "use", "k8s", "staging")
	out, errs, code := w.u.Run("kube", "use", "k8s", "prod-eu")
	if code != 1 || !strings.Contains(errs, "production context") || !strings.Contains(errs, "mcptray kube use k8s prod-eu --yes") {
		t.Fatalf("switching to production without --yes: exit %d\n%s%s", code, out, errs)
	}
	if ks := w.contexts(t); ks.Context != "staging" {
		t.Fatalf("a refused switch changed the context to %q", ks.Context)
	}
	out = w.u.OK("kube", "use", "k8s", "prod-eu", "--yes")
	if !strings.Contains(out, "production context") {
		t.Errorf("kube use --yes said:\n%s", out)
	}
	if ks := w.contexts(t); ks.Context != "prod-eu" || !ks.Production {
		t.Fatalf("after the switch: %+v", ks)
	}
	w.u.WaitRunning("k8s")
	staged := len(w.staging.Requests())

	// Reading runs at once, on production.
	if text, isErr := w.call(t, "namespaces_list", "{}"); isErr || !strings.Contains(text, "prod-apps") {
		t.Fatalf("namespaces_list on production: %q", text)
	}
	// A tool that may change something waits; "always" is not offered, and denied calls
	// never reach the cluster.
	del := `{"name":"web","namespace":"default"}`
	ch := w.callAsync(t, "pods_delete", del)
	ap := w.nextApproval(t)
	if d := cmp.Diff(approval{ID: ap.ID, Tool: "pods_delete", KubeContext: "prod-eu", Production: true}, ap); d != "" {
		t.Errorf("approval (-want +got):\n%s", d)
	}
	if _, errs, code := w.u.Run("approve", ap.ID, "--always"); code == 0 || !strings.Contains(errs, "production") {
		t.Errorf("approve --always on production: exit %d %s", code, errs)
	}
	w.u.OK("deny", ap.ID)
	if res := <-ch; !strings.HasPrefix(res, "ISERROR") {
		t.Errorf("a denied delete answered %q", res)
	}
	if wr := w.prod.Writes(); len(wr) != 0 {
		t.Fatalf("production received a denied call: %+v", wr)
	}
	// Allowed once, it runs once; the next call asks again.
	ch = w.callAsync(t, "pods_delete", del)
	w.u.OK("approve", w.nextApproval(t).ID)
	if res := <-ch; strings.HasPrefix(res, "ISERROR") {
		t.Errorf("an approved delete answered %q", res)
	}
	ch = w.callAsync(t, "pods_delete", del)
	w.u.OK("deny", w.nextApproval(t).ID)
	<-ch
	var deletes []string
	for _, r := range w.prod.Writes() {
		deletes = append(deletes, r.Method+" "+r.Path)
	}
	if d := cmp.Diff([]string{"DELETE /api/v1/namespaces/default/pods/web"}, deletes); d != "" {
		t.Errorf("writes that reached production (-want +got):\n%s", d)
	}
	if n := len(w.staging.Requests()); n != staged {
		t.Errorf("staging got %d requests after the switch to production", n-staged)
	}
}

func TestSourceChangesRegenerateAndContextGoneStops(t *testing.T) {
	w := newWorld(t)
	w.u.OK("kube", "use", "k8s", "prod-eu", "--yes")
	w.u.WaitRunning("k8s")
	if text, isErr := w.call(t, "namespaces_list", "{}"); isErr || !strings.Contains(text, "prod-apps") {
		t.Fatalf("namespaces_list on production: %q", text)
	}
	// A rotated token reaches the written file, and new connections use it.
	w.prodToken = "tok-prod-2"
	w.writeProd(t)
	w.u.Eventually("the written kubeconfig has the new token", func() bool {
		b, _ := os.ReadFile(w.kubeFile)
		return strings.Contains(string(b), "tok-prod-2")
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		w.call(t, "namespaces_list", "{}")
		r := w.prod.Requests()
		if r[len(r)-1].Authorization == "Bearer tok-prod-2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("new connections still use the old token: %+v", r[len(r)-1])
		}
	}
	// The context disappears: the server stops and says why.
	w.prodHasContext = false
	w.writeProd(t)
	w.u.Eventually("k8s stops", func() bool { return w.u.State("k8s").State == "failed" })
	if ks := w.contexts(t); !strings.Contains(ks.Problem, `the context "prod-eu" is no longer in your kubeconfig`) {
		t.Errorf("problem after the context went away: %q", ks.Problem)
	}
	if _, err := os.Stat(w.kubeFile); !os.IsNotExist(err) {
		t.Errorf("the kubeconfig of a gone context is still there: %v", err)
	}
	before := len(w.prod.Requests())
	if text, _ := w.call(t, "namespaces_list", "{}"); !strings.Contains(text, "no longer in your kubeconfig") {
		t.Errorf("connecting after the context went away: %q", text)
	}
	if n := len(w.prod.Requests()); n != before {
		t.Errorf("production got %d requests after its context went away", n-before)
	}
	// It comes back: the server starts again.
	w.prodHasContext = true
	w.writeProd(t)
	w.u.WaitRunning("k8s")
}
