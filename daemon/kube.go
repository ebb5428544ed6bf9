package daemon

import (
	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/kube/reconcile"
)

// newKube builds the Kubernetes reconciler, wired to the supervisor, the reload and the
// daemon's notes. New calls it once the supervisor exists.
func (d *Daemon) newKube() *reconcile.Reconciler {
	kinds := map[reconcile.Change]api.NoteKind{reconcile.ContextGone: api.NoteKubeContextGone,
		reconcile.Switched: api.NoteKubeSwitched, reconcile.Forgotten: api.NoteKubeForgotten}
	return reconcile.New(reconcile.Options{Home: d.opts.Home, Log: d.log, Processes: d.sup, Reload: d.reload,
		Notify: func(c reconcile.Change, msg string) { d.notes.Publish(api.Note{Kind: kinds[c], Message: msg}) }})
}
