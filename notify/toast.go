package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/url"
	"strings"

	"github.com/mcptray/mcptray/internal/display"
)

// Windows toast notifications (desktop_windows.go) are XML documents; this file builds them
// and reads what a click sends back. It is platform-independent so that Linux tests cover it.

// toastGroup is the toast Group of every MCP Tray notification; the Tag names the slot.
const toastGroup = "mcptray"

// toastTag is the toast Tag of a slot: a short digest, since Windows limits a tag to 64
// characters (16 on Windows 10 before version 1703) and a slot may be longer. A toast shown
// with the tag and group of one that shows replaces it.
func toastTag(slot string) string {
	sum := sha256.Sum256([]byte(slot))
	return hex.EncodeToString(sum[:8])
}

// toastArguments is the arguments string a toast button carries back on a click: the action
// key and the slot, as a URL query (the form the toast schema's examples use).
func toastArguments(slot, action string) string {
	return url.Values{"action": {action}, "slot": {slot}}.Encode()
}

// parseToastArguments reads an arguments string a click sent back: the slot and the action
// key. ok is false for anything toastArguments did not make (a click on the toast's body, or
// arguments from elsewhere).
func parseToastArguments(args string) (slot, action string, ok bool) {
	v, err := url.ParseQuery(args)
	if err != nil || len(v["slot"]) != 1 || len(v["action"]) != 1 || len(v) != 2 {
		return "", "", false
	}
	slot, action = v.Get("slot"), v.Get("action")
	return slot, action, slot != "" && action != ""
}

// toastXML is n as a toast document. Title and Body go through internal/display and are
// escaped as XML text, so text from servers and AI apps is shown as the characters it is and
// cannot add elements (a button that answers "allow", say). An approval is a reminder
// (scenario="reminder": it stays on screen until answered) whose buttons are n.Actions,
// activated in the background (the app is not brought forward); an informational one is
// short and has no buttons. Expiry is not in the XML: the helper sets ExpirationTime.
func toastXML(n Notification, actions bool) string {
	var b strings.Builder
	b.WriteString(`<toast`)
	if n.Kind == Approval {
		b.WriteString(` scenario="reminder"`)
	} else {
		b.WriteString(` duration="short"`)
	}
	b.WriteString(`><visual><binding template="ToastGeneric"><text>`)
	xmlText(&b, display.Line(n.Title))
	b.WriteString(`</text>`)
	if body := display.Text(n.Body); body != "" {
		b.WriteString(`<text>`)
		xmlText(&b, body)
		b.WriteString(`</text>`)
	}
	b.WriteString(`</binding></visual>`)
	if actions && len(n.Actions) > 0 {
		b.WriteString(`<actions>`)
		for _, a := range n.Actions {
			b.WriteString(`<action content="`)
			xmlText(&b, display.Line(a.Label))
			b.WriteString(`" arguments="`)
			xmlText(&b, toastArguments(n.Slot, a.Key))
			b.WriteString(`" activationType="background"/>`)
		}
		b.WriteString(`</actions>`)
	}
	if n.Kind == Approval {
		// A reminder without a sound plays the default one in a loop on some versions.
		b.WriteString(`<audio src="ms-winsoundevent:Notification.Reminder"/>`)
	}
	b.WriteString(`</toast>`)
	return b.String()
}

// xmlText writes s escaped for XML text and attribute values.
func xmlText(b *strings.Builder, s string) {
	_ = xml.EscapeText(b, []byte(s)) // a strings.Builder never fails
}

// toastDismissal maps a toast's dismissal reason (Windows.UI.Notifications.ToastDismissalReason)
// to a CloseReason; ok is false for ApplicationHidden, which is MCP Tray's own withdrawal and
// reports nothing.
func toastDismissal(reason string) (r CloseReason, ok bool) {
	switch reason {
	case "UserCanceled":
		return Dismissed, true
	case "TimedOut":
		return Expired, true
	case "ApplicationHidden":
		return Withdrawn, false
	}
	return Undefined, true
}

// The action identifiers macOS reports for a dismissal and for a click on a notification's
// body (UNNotificationDismissActionIdentifier, UNNotificationDefaultActionIdentifier).
const (
	macDismissAction = "com.apple.UNNotificationDismissActionIdentifier"
	macDefaultAction = "com.apple.UNNotificationDefaultActionIdentifier"
)

// centerReport is what a macOS notification response (desktop_darwin.go) tells the notifier:
// a dismissal, or a button as the arguments a toast would carry. A click on the body (which
// brings MCP Tray forward, where the prompt is) and a response for a tag the transport did not
// show (known false) report nothing.
func centerReport(tag, action, slot string, known bool) (helperMsg, bool) {
	switch {
	case !known:
		return helperMsg{}, false
	case action == macDismissAction:
		return helperMsg{Ev: "dismissed", Tag: tag, Reason: "UserCanceled"}, true
	case action == macDefaultAction || action == "":
		return helperMsg{}, false
	}
	return helperMsg{Ev: "activated", Tag: tag, Args: toastArguments(slot, action)}, true
}
