package remote

var systemOpener = []string{"open"}
