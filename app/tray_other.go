//go:build !linux && !darwin

package app

const useTemplateIcons = false

func trayHostAvailable() bool { return true }
