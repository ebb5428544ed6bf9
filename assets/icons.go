package assets

import "embed"

// Icons holds the app icon (icons/app.png) and the tray icons: tray-ok, tray-failing,
// tray-approval and tray-idle in colour, and tray-template / tray-template-alert as
// monochrome template images for the macOS menu bar.
//
//go:embed icons/*.png
var Icons embed.FS
