package daemon

import (
	"context"
	"errors"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/kube/reconcile"
)

// kubeRoutes registers the kube.* methods, answered by the Kubernetes reconciler.
func (d *Daemon) kubeRoutes() {
	api.Handle(d.ctl, api.KubeContexts, func(_ context.Context, p api.KubeContextsParams) (api.KubeContextsResult, error) {
		l, err := d.kube.Contexts(d.currentConfig(), p.Server)
		return l, kubeError(err)
	})
	api.Handle(d.ctl, api.KubeUse, func(_ context.Context, p api.KubeUseParams) (api.None, error) {
		return api.None{}, kubeError(d.kube.Use(d.currentConfig(), p))
	})
	api.Handle(d.ctl, api.KubeForget, func(_ context.Context, p api.KubeForgetParams) (api.None, error) {
		return api.None{}, kubeError(d.kube.Forget(d.currentConfig(), p.Server))
	})
}

// kubeError gives the reconciler's refusals their sentinels on the wire; the text is kept.
func kubeError(err error) error {
	for _, m := range []struct{ kind, sentinel error }{
		{config.ErrNoServer, api.ErrNotFound}, {reconcile.ErrNoContext, api.ErrNotFound},
		{reconcile.ErrNotKubeServer, api.ErrBadRequest}, {reconcile.ErrBadNamespace, api.ErrBadRequest},
		{reconcile.ErrNeedsConfirmation, api.ErrNeedsConfirmation},
	} {
		if errors.Is(err, m.kind) {
			return api.Errorf(m.sentinel, "%s", err.Error())
		}
	}
	return err
}

// currentConfig is the configuration in effect (empty before the first load).
func (d *Daemon) currentConfig() *config.Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cfg == nil {
		return &config.Config{Servers: map[string]*config.Server{}}
	}
	return d.cfg
}
