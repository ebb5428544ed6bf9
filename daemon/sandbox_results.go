package daemon

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/sandbox"
)

// A confined server often reports a refused file operation only in its answer to the tool
// call ("EACCES: permission denied, open '/home/me/.ssh/id_rsa'" in a tool error), not on its
// error output, where the supervisor recognises refusals. sandboxResults reads those answers
// with the same recogniser, so the server's log says in one plain line what the sandbox
// refused, and the person can grant it if it was legitimate.

// sandboxResults is the gateway's Result hook for connections to server name: nil (nothing
// to pay on the relay) unless the configuration in effect confines it. Each refusal a failed
// tool call reports is noted once in the server's log, per hook: a session's, or a shared
// server's for as long as it runs.
func (d *Daemon) sandboxResults(name string) func(*gateway.Session, []byte) {
	s, ok := d.currentConfig().Servers[name]
	if !ok || !s.Sandbox.Confined() {
		return nil
	}
	logs := d.sup.Logs(name)
	if logs == nil {
		return nil
	}
	o := sandboxOptions(d.opts.Home)
	home := userHome()
	denied := sandbox.NewDeniedLog(home, s.Sandbox.Spec().Rules(sandbox.Context{Home: home, AppHome: o.AppHome, Socket: o.Socket}))
	return func(_ *gateway.Session, response []byte) {
		for _, text := range failureTexts(response) {
			for _, line := range strings.Split(text, "\n") {
				if sentence, ok := denied.Line(line); ok {
					logs.Note("%s", sentence)
				}
			}
		}
	}
}

// failureTexts is what a failed tool call says: the error message of a JSON-RPC error, or
// the text content of a result marked isError. A successful result says nothing here (a
// file's content that quotes a refusal is not one).
func failureTexts(response []byte) []string {
	if !bytes.Contains(response, []byte(`"isError"`)) && !bytes.Contains(response, []byte(`"error"`)) {
		return nil
	}
	var r struct {
		Result *struct {
			IsError bool `json:"isError"`
			Content []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"content"`
		} `json:"result"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(response, &r) != nil {
		return nil
	}
	var texts []string
	if r.Error != nil {
		texts = append(texts, r.Error.Message)
	}
	if r.Result != nil && r.Result.IsError {
		for _, c := range r.Result.Content {
			if c.Type == "text" {
				texts = append(texts, c.Text)
			}
		}
	}
	return texts
}
