package daemon

import (
	"context"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/installer"
)

// bundleRoutes registers api.BundleOpen: the window describes a bundle file with it, then
// plans (api.CatalogPlan) and installs (api.Install) it by the id it answers, which pins the
// file's sha256 so that what is installed is what the person was shown (docs/bundles.md).
func (d *Daemon) bundleRoutes() {
	api.Handle(d.ctl, api.BundleOpen, func(ctx context.Context, p installer.BundleParams) (installer.BundleView, error) {
		if p.File == "" {
			return installer.BundleView{}, api.Errorf(api.ErrBadRequest, "bundle.open needs the path of a bundle file.")
		}
		return installer.DescribeBundle(ctx, p.File)
	})
}
