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
// # macOS and Windows
//
// These cannot be built or tested on the Linux machines this package is developed on, so
// OpenDesktop returns ErrUnsupported there and the GUI keeps its own notifications and the
// approval prompt. A native implementation needs:
//
//   - macOS: UNUserNotificationCenter (UserNotifications framework, through cgo and an
//     Objective-C file), which works only from a signed .app bundle with a bundle identifier.
//     At start: requestAuthorizationWithOptions (alert, sound) once; register one
//     UNNotificationCategory "x-mcptray.approval" with two UNNotificationActions, "allow"
//     ("Allow once", options none: not UNNotificationActionOptionForeground, so the app is
//     not brought forward) and "deny" ("Deny", UNNotificationActionOptionDestructive). A slot
//     is the request identifier: adding a request with an identifier that is shown replaces
//     it; removeDeliveredNotificationsWithIdentifiers and
//     removePendingNotificationRequestsWithIdentifiers withdraw it. Clicks arrive at the
//     UNUserNotificationCenterDelegate's didReceiveNotificationResponse (actionIdentifier;
//     UNNotificationDismissActionIdentifier for a dismissal when the category has
//     customDismissAction), on the main thread: hand them to the Events channel without
//     blocking. Expiry does not exist: withdraw informational ones with a timer. The guard
//     applies as here, from the time the request was added.
//   - Windows: toast notifications (Windows.UI.Notifications through WinRT, or the Windows
//     App SDK's AppNotificationManager), which need an AppUserModelID registered with a Start
//     menu shortcut (the installer creates it) and a COM activator CLSID for clicks that
//     arrive when the app is not running. The toast XML carries <actions> with two <action
//     content="Allow once" arguments="action=allow&amp;slot=…" activationType="background"/>
//     and the Deny one; scenario="reminder" keeps an approval on screen. Tag and Group are the
//     slot (showing a toast with the same tag replaces it); ToastNotificationHistory.Remove
//     withdraws it; ExpirationTime expires informational ones. Clicks arrive at the
//     activator (or ToastNotification.Activated while running) with the arguments string:
//     parse it, check the slot is one this process posted, apply the guard. All XML text is
//     escaped (the toast is XML).
package notify
