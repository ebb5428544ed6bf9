// Package notify posts desktop notifications that behave: each lives in a named slot, so a
// second post to the same slot replaces the first instead of stacking; a notification is
// withdrawn when what it was about is over (an approval answered, timed out or withdrawn by
// the AI app); informational ones expire; and an approval can carry buttons ("Allow once",
// "Deny") whose clicks come back as events. Fyne's notifications have no actions, so this is
// platform code behind one small interface, Notifier; the GUI keeps its approval prompt as
// the fallback wherever SupportsActions is false.
//
// # The one-second guard
//
// A click meant for something else can land on a notification that appears under the
// pointer. An action invoked less than Guard (one second) after the notification was shown
// is therefore ignored, exactly as the prompt ignores an early Enter: no event is delivered,
// and the notification is posted again (closed and shown anew, so its guard starts again),
// because many notification services close a notification when one of its buttons is
// clicked and the person must still be able to answer. "Shown" is when MCP Tray asked the
// service to show it: the spec has no signal for "now on screen", so a service that holds
// notifications back in a queue (dunst beyond its limit) shows one later and its guard ends
// sooner after it appears. A replacement in the same slot shows new content and restarts the
// guard too. Time comes from Options.Now, so tests inject a clock.
//
// # Linux (and other freedesktop desktops)
//
// OpenDesktop talks to org.freedesktop.Notifications on the session D-Bus (the Desktop
// Notifications Specification 1.2): Notify with replaces_id for a slot's second post, the
// actions array for buttons, the hints urgency, category ("x-mcptray.approval" for
// approvals, "x-mcptray.info" otherwise: the spec's own categories name none that fits, and
// "im" makes some desktops play a chat sound), resident false and transient true for
// informational ones; expire_timeout 0 (never) for approvals; CloseNotification to withdraw;
// the signals ActionInvoked and NotificationClosed for what the person did. GetCapabilities
// says whether the service shows buttons ("actions") and whether it reads bodies as markup
// ("body-markup"): text from servers and AI apps goes through internal/display first, and
// then, on a service that reads markup, has &, < and > escaped in the title and the body, so
// `<a href=…>` or `&lt;` from a server is shown as the characters it is. (The spec says the
// summary is plain text, but several services, dunst and mako among them, format summary and
// body together as one piece of markup.)
//
// Signals are believed only from the service that accepted the notification: every
// ActionInvoked and NotificationClosed is checked against the unique bus name that owned
// org.freedesktop.Notifications when the post was answered. Any program on the session bus
// can send a signal to MCP Tray's connection; one that claims "allow" for an approval is
// dropped.
//
// # Windows
//
// OpenDesktop starts a helper, Windows PowerShell running toast_helper.ps1, that shows and
// removes WinRT toast notifications and reports their clicks and dismissals in JSON lines
// (helper.go); every decision (slots, the guard, which clicks count) is in Go and tested on
// every platform. A slot is a toast's Tag (toastTag) in the Group "mcptray": a toast with the
// same tag replaces it, ToastNotificationHistory.Remove withdraws it. An approval is a
// reminder toast whose buttons are background-activated actions carrying
// "action=KEY&slot=SLOT" (toastXML); the text is escaped XML. Clicks reach the running app
// through the toast's Activated event; a click is believed only if its arguments name the
// slot of the toast it came from and one of its actions. Toasts show under Options.AppID,
// which the helper registers for the user. Not done: clicks after MCP Tray has quit (a COM
// activator registered by the installer).
//
// # macOS
//
// desktop_darwin.go is the same helper with a transport in this process: it calls
// UNUserNotificationCenter through github.com/ebitengine/purego's objc package (no cgo). It
// needs that module in go.mod and builds only with the tag mcptray_purego until then;
// without it OpenDesktop returns ErrUnsupported and the GUI keeps its own notifications and
// the approval prompt. One UNNotificationCategory "x-mcptray.approval" has two actions,
// "allow" ("Allow once", not brought to the foreground) and "deny" ("Deny", destructive),
// and a custom dismiss action; a slot's request identifier is its tag, so adding a request
// replaces the one shown; removeDeliveredNotificationsWithIdentifiers withdraws it. The
// delegate's didReceiveNotificationResponse reports clicks and dismissals (centerReport),
// checked by the same code as a toast's. It works only from a signed .app bundle with a
// bundle identifier, after the person allowed notifications.
package notify
