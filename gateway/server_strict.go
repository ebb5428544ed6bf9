package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// One strict reader for what a server sends. The relay refuses ambiguity in clients'
// messages (shared_ambiguous.go); a server's answers are read by the same rule, because the
// client reads them too and must see what MCP Tray checked: a member named twice, or spelled
// in another case beside (or instead of) the name MCP Tray reads, could have MCP Tray pin,
// scan and hide one thing while the client shows another. What cannot be read unambiguously
// is refused, never guessed.

// envelopeReads are the members of any JSON-RPC message.
var envelopeReads = []string{"jsonrpc", "id", "method", "params", "result", "error"}

// serverAmbiguity returns what makes a server's message ambiguous at the top level, or nil.
func serverAmbiguity(line []byte) *ambiguity {
	if a := jsonwire.LineBreak(line); a != nil {
		return a
	}
	_, a := jsonwire.CheckLevel(line, envelopeReads, "")
	return a
}

// checkedServerAmbiguity is serverAmbiguity for a message read by readChecked with
// envelopeReads, whose top level is checked already.
func checkedServerAmbiguity(line []byte, r read) *ambiguity {
	if a := jsonwire.LineBreak(line); a != nil {
		return a
	}
	return r.top
}

// Members MCP Tray reads in a tools/list result and in each of its tools. Any member spelled
// in another case beside one of these, and any member named twice, makes the list ambiguous.
var (
	toolsResultReads = []string{"tools", "nextCursor", "_meta"}
	toolReads        = []string{"name", "title", "description", "inputSchema", "outputSchema", "annotations", "icons", "_meta"}
	annotationReads  = []string{"title", "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}
)

// toolsPage is one tools/list result as the strict reader read it.
type toolsPage struct {
	// result is the result to show the gate and forward: the server's own bytes, or a copy
	// without the tools it listed twice.
	result     json.RawMessage
	tools      []json.RawMessage // the entries of result
	nextCursor string
	listed     []string // every name on the page, the duplicated ones once
	twice      []string // names listed more than once: their tool is blocked
}

// readToolsAnswer reads a server's answer to tools/list. It returns the page, or, when the
// answer is an error, isError true and nothing else; why is set (to end "…because it …")
// when the answer cannot be read unambiguously and must not reach the client as a list.
// earlier holds the names listed on the earlier pages of the same listing (nil for a first
// page): a name listed there again counts as listed twice.
func readToolsAnswer(line []byte, earlier map[string]bool) (page toolsPage, isError bool, why string) {
	if a := serverAmbiguity(line); a != nil {
		return toolsPage{}, false, sentence(a)
	}
	var result, errObj []byte
	jsonwire.Members(line, func(key []byte, vs, ve int) bool {
		switch {
		case jsonwire.KeyIs(key, "result"):
			result = line[vs:ve]
		case jsonwire.KeyIs(key, "error"):
			errObj = line[vs:ve]
		}
		return true
	})
	switch {
	case result != nil && errObj != nil:
		return toolsPage{}, false, "carries both a result and an error"
	case result == nil && errObj != nil:
		return toolsPage{}, true, ""
	case result == nil:
		return toolsPage{}, false, "has no result"
	}
	page, why = readToolsResult(result, earlier)
	return page, false, why
}

// readToolsResult reads a tools/list result object strictly (see readToolsAnswer).
func readToolsResult(result []byte, earlier map[string]bool) (page toolsPage, why string) {
	if !isJSONObject(result) {
		return toolsPage{}, "gives a result that is not an object"
	}
	toolsRaw, a := jsonwire.CheckLevel(result, toolsResultReads, "tools")
	if a != nil {
		return toolsPage{}, sentence(a.Within("result."))
	}
	if cur := jsonwire.ValueAt(result, "nextCursor"); cur != nil && string(cur) != "null" {
		s, ok := jsonwire.Unquote(cur)
		if !ok {
			return toolsPage{}, "gives a page cursor that is not text"
		}
		page.nextCursor = s
	}
	var entries []json.RawMessage
	if toolsRaw == nil || json.Unmarshal(toolsRaw, &entries) != nil {
		return toolsPage{}, "has no list of tools"
	}
	names := make([]string, len(entries))
	count := map[string]int{}
	for i, e := range entries {
		if !isJSONObject(e) {
			return toolsPage{}, fmt.Sprintf("lists a tool (number %d) that is not an object", i+1)
		}
		ann, a := jsonwire.CheckLevel(e, toolReads, "annotations")
		if a == nil && ann != nil {
			_, a = jsonwire.CheckLevel(ann, annotationReads, "")
			if a != nil {
				a = a.Within("annotations.")
			}
		}
		if a != nil {
			return toolsPage{}, sentence(a.Within(fmt.Sprintf("result.tools[%d].", i)))
		}
		name, ok := jsonwire.Unquote(jsonwire.ValueAt(e, "name"))
		if !ok || name == "" {
			return toolsPage{}, fmt.Sprintf("lists a tool (number %d) without a name", i+1)
		}
		names[i] = name
		if count[name] == 0 && earlier[name] {
			count[name] = 1
		}
		if count[name]++; count[name] == 1 {
			page.listed = append(page.listed, name)
		} else if count[name] == 2 {
			page.twice = append(page.twice, name)
		}
	}
	page.result = result
	if len(page.twice) == 0 {
		page.tools = entries
		return page, ""
	}
	kept := make([][]byte, 0, len(entries))
	for i, e := range entries {
		if count[names[i]] == 1 {
			kept = append(kept, e)
			page.tools = append(page.tools, e)
		}
	}
	arr := append(append([]byte{'['}, bytes.Join(kept, []byte{','})...), ']')
	s, e, _ := jsonwire.Field(result, "tools")
	page.result = jsonwire.Splice(result, s, e, arr)
	return page, ""
}

func isJSONObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{' && json.Valid(b)
}

// blockedTools are the tools a server listed twice in one listing (on one page, or on two pages
// of it): the client never sees either definition (in one page; across pages, not the
// second) and their calls are refused until a listing names them once again. The zero value
// is ready; it is not safe for concurrent use on its own.
type blockedTools map[string]bool

// update applies one page: names listed twice are blocked, names listed once unblocked.
func (b blockedTools) update(p toolsPage) {
	for _, n := range p.listed {
		delete(b, n)
	}
	for _, n := range p.twice {
		b[n] = true
	}
}

// listing is the names of one listing's pages so far. The zero value is ready; it is not safe
// for concurrent use on its own.
type listing map[string]bool

// add records a page's names.
func (l listing) add(p toolsPage) {
	for _, n := range p.listed {
		l[n] = true
	}
	for _, n := range p.twice {
		l[n] = true
	}
}

// twiceMessage is what a client is told when it calls a tool its server listed twice.
func twiceMessage(server, tool string) string {
	return fmt.Sprintf("MCP Tray blocked %q because the server %q listed it more than once, so MCP Tray cannot tell which definition would run; it stays blocked until the server lists it once.", tool, server)
}
