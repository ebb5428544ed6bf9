package main

import (
	"encoding/json"
	"os"
)

// notifyMethodFrom names an environment variable: when it is set, the server's first message,
// before anything is asked of it, is a notification whose method ends in that variable's
// value. It plays a server that puts what it was given (a secret) where it chooses the text,
// for the tests of what MCP Tray shows and keeps of server messages (`logs --traffic`).
const notifyMethodFrom = "FAKESERVER_NOTIFY_METHOD_FROM"

func init() {
	k := os.Getenv(notifyMethodFrom)
	if k == "" {
		return
	}
	line, _ := json.Marshal(map[string]string{"jsonrpc": "2.0", "method": "notifications/message/" + os.Getenv(k)})
	os.Stdout.Write(append(line, '\n'))
}
