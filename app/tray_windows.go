//go:build windows

package app

import (
	"bytes"
	"image/png"

	"github.com/fyne-io/image/ico"

	"github.com/mcptray/mcptray/assets"
)

func trayHostAvailable() bool { return true }

// trayIconData is the tray icon for a state as the Windows notification area takes it: an ICO.
func trayIconData(s trayState) (data []byte, template bool) {
	b, _ := assets.Icons.ReadFile("icons/" + trayIconName(s, false))
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return b, false
	}
	var out bytes.Buffer
	if err := ico.Encode(&out, img); err != nil {
		return b, false
	}
	return out.Bytes(), false
}
