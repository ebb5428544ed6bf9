package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
)

// confirmProduction asks, in a small window of its own (the tray has no window to put a
// dialog on), before a server is pointed at a production context. Closing it or Escape
// cancels; nothing is pre-selected, so Enter does not confirm. UI goroutine only.
func (u *UI) confirmProduction(server, kctx string) {
	w := u.fa.NewWindow("Switch to a production context?")
	u.dialog(w, nil)
	alwaysOnTop(w)
	text := widget.NewLabel(fmt.Sprintf("“%s” is marked as production. The tools of “%s” will act on it: "+
		"MCP Tray will ask you before every call that can change something there, and never offers “Always allow”.\n\n"+
		"Switch %s to %s?", kctx, server, server, kctx))
	text.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton("Cancel", w.Close)
	yes := widget.NewButton("Switch to production", func() {
		w.Close()
		p := api.KubeUseParams{Server: server, Context: kctx, Yes: true}
		go func() {
			if err := useKube(u.opts.Client, p); err != nil {
				u.do(func() { u.trayProblem(err) })
			}
		}()
	})
	yes.Importance = widget.DangerImportance
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			w.Close()
		}
	})
	w.SetContent(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), cancel, yes), nil, nil, text))
	w.Resize(fyne.NewSize(460, 200))
	w.CenterOnScreen()
	w.Show()
	w.RequestFocus()
}

// useKube points a server at a context (api.KubeUse). A production context the person has
// not confirmed comes back as api.ErrNeedsConfirmation (errors.Is); any other failure is one
// sentence naming the server and the context.
func useKube(c *control.Client, p api.KubeUseParams) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := api.Call(ctx, c, api.KubeUse, p)
	if err == nil || errors.Is(err, api.ErrNeedsConfirmation) && !p.Yes {
		return err
	}
	return fmt.Errorf("MCP Tray could not switch %s to the context %s: %w", p.Server, p.Context, err)
}

// trayProblem shows a failure of something started from the tray: in the main window, which
// it opens, so the sentence is not lost in a closed menu. UI goroutine only.
func (u *UI) trayProblem(err error) {
	u.showMain().showError(err)
}

// hiddenNotice tells the person, once, where the app went when its window closed.
func (u *UI) hiddenNotice() {
	if u.told {
		return
	}
	u.told = true
	where := "from its icon in the menu bar or system tray"
	if u.opts.NoTray {
		where = "by opening MCP Tray again from your applications menu"
	}
	u.notices.info("hidden", "MCP Tray is still running",
		fmt.Sprintf("Your servers keep working. Open the window %s.", where))
}
