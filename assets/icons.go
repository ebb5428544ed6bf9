package assets

import "embed"

// Icons holds the app icon (icons/app.png) and the tray icons: tray-ok, tray-failing,
// tray-approval and tray-idle as colour PNGs, and tray-template, tray-template-alert and
// tray-template-approval as monochrome SVG template images for the macOS menu bar.
//
//go:embed icons/*.png icons/*.svg
var Icons embed.FS
