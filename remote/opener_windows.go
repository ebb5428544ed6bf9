package remote

var systemOpener = []string{"rundll32", "url.dll,FileProtocolHandler"}
