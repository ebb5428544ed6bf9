package notify

import (
	"strings"

	"github.com/mcptray/mcptray/internal/display"
)

// markupEscaper escapes the three characters the spec's body markup (a small XML subset)
// gives meaning to. Quotes need nothing: text never sits inside an attribute.
var markupEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// plainText makes a title and body safe to send: control characters, escape sequences and
// bidirectional overrides become visible escapes (internal/display), and for a service that
// reads markup, &, < and > are escaped so they show as themselves.
func plainText(title, body string, markup bool) (string, string) {
	title, body = display.Line(title), display.Text(body)
	if markup {
		title, body = markupEscaper.Replace(title), markupEscaper.Replace(body)
	}
	return title, body
}
