//go:build darwin && mcptray_purego

// Never run on a Mac yet: until it has been, it builds only with the tag mcptray_purego (and
// desktop_other.go stands in). See docs/notifications.md.

package notify

import (
	"errors"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/ebitengine/purego/objc"
)

// macOS notifications are UNUserNotificationCenter's, called through purego's objc package:
// no cgo, so building for macOS needs no SDK. The decisions (slots, the guard, which clicks
// count) are helper.go's, shared with Windows; this file is its transport, in this process:
// "show" adds a notification request whose identifier is the slot's tag, "remove" removes
// it, and the center's delegate reports clicks and dismissals.
//
// UNUserNotificationCenter works only in an app bundle with a bundle identifier (MCP
// Tray.app); run as a bare binary, OpenDesktop fails with ErrNoService and the window keeps
// its own notifications and the prompt. The person is asked once for permission; refused,
// OpenDesktop fails the same way.

// macOS constants (UserNotifications framework headers).
const (
	approvalCategory       = "x-mcptray.approval"
	authAlertSound         = 1<<2 | 1<<1        // UNAuthorizationOptionAlert | Sound
	actionDestructive      = 1 << 1             // UNNotificationActionOptionDestructive
	categoryCustomDismiss  = 1 << 0             // UNNotificationCategoryOptionCustomDismissAction
	presentBannerListSound = 1<<4 | 1<<3 | 1<<1 // UNNotificationPresentationOptionBanner | List | Sound
)

// OpenDesktop connects to the macOS notification center (see above). Close the notifier when
// done.
func OpenDesktop(opts Options) (Notifier, error) { return newHelper(opts, openCenter) }

// center is the macOS transport.
type center struct {
	h      *helper
	center objc.ID

	mu     sync.Mutex
	slots  map[string]string      // tag → slot, for the arguments a click reports
	timers map[string]*time.Timer // tag → an informational one's expiry
}

// active is the center the delegate reports to: one notifier per process.
var (
	activeMu sync.Mutex
	active   *center
)

var (
	loadOnce     sync.Once
	loadErr      error
	delegateCls  objc.Class
	sel          = objc.RegisterName
	selNew       = objc.RegisterName("new")
	selUTF8      = objc.RegisterName("UTF8String")
	selStringUTF = objc.RegisterName("stringWithUTF8String:")
)

// load opens the frameworks and registers the delegate class, once per process.
func load() error {
	loadOnce.Do(func() {
		for _, fw := range []string{
			"/System/Library/Frameworks/Foundation.framework/Foundation",
			"/System/Library/Frameworks/UserNotifications.framework/UserNotifications",
		} {
			if _, err := purego.Dlopen(fw, purego.RTLD_NOW|purego.RTLD_GLOBAL); err != nil {
				loadErr = err
				return
			}
		}
		var protocols []*objc.Protocol
		if p := objc.GetProtocol("UNUserNotificationCenterDelegate"); p != nil {
			protocols = append(protocols, p)
		}
		delegateCls, loadErr = objc.RegisterClass("MCPTrayNotificationDelegate", objc.GetClass("NSObject"), protocols, nil,
			[]objc.MethodDef{
				{Cmd: sel("userNotificationCenter:didReceiveNotificationResponse:withCompletionHandler:"), Fn: didReceive},
				{Cmd: sel("userNotificationCenter:willPresentNotification:withCompletionHandler:"), Fn: willPresent},
			})
	})
	return loadErr
}

func openCenter(h *helper) (transport, error) {
	if err := load(); err != nil {
		return nil, err
	}
	bundle := objc.ID(objc.GetClass("NSBundle")).Send(sel("mainBundle"))
	if bundle == 0 || bundle.Send(sel("bundleIdentifier")) == 0 {
		return nil, errors.New("MCP Tray is not running from its app bundle")
	}
	c := &center{h: h, slots: map[string]string{}, timers: map[string]*time.Timer{}}
	withPool(func() {
		c.center = objc.ID(objc.GetClass("UNUserNotificationCenter")).Send(sel("currentNotificationCenter"))
		c.center.Send(sel("setDelegate:"), objc.ID(delegateCls).Send(selNew)) // kept: never released
		actions := objc.ID(objc.GetClass("NSMutableArray")).Send(sel("array"))
		for _, a := range []struct {
			id, title string
			options   uint
		}{{"allow", "Allow once", 0}, {"deny", "Deny", actionDestructive}} {
			actions.Send(sel("addObject:"), objc.ID(objc.GetClass("UNNotificationAction")).Send(
				sel("actionWithIdentifier:title:options:"), nsString(a.id), nsString(a.title), a.options))
		}
		category := objc.ID(objc.GetClass("UNNotificationCategory")).Send(
			sel("categoryWithIdentifier:actions:intentIdentifiers:options:"),
			nsString(approvalCategory), actions, objc.ID(objc.GetClass("NSArray")).Send(sel("array")), uint(categoryCustomDismiss))
		c.center.Send(sel("setNotificationCategories:"), objc.ID(objc.GetClass("NSSet")).Send(sel("setWithObject:"), category))
	})
	activeMu.Lock()
	active = c
	activeMu.Unlock()
	// Ready once the person allowed notifications; refused, the transport ends and
	// OpenDesktop fails with ErrNoService.
	block := objc.NewBlock(func(_ objc.Block, granted bool, _ objc.ID) {
		if granted {
			h.receive(helperMsg{Ev: "ready", Actions: true})
		} else {
			h.ended()
		}
	})
	withPool(func() {
		c.center.Send(sel("requestAuthorizationWithOptions:completionHandler:"), uint(authAlertSound), block)
	})
	block.Release()
	return c, nil
}

func (c *center) send(m helperMsg) error {
	switch m.Op {
	case "show":
		c.show(m)
	case "remove":
		c.remove(m.Tag)
		c.h.receive(helperMsg{Ev: "done", ID: m.ID})
	default:
		c.h.receive(helperMsg{Ev: "done", ID: m.ID, Error: "unknown request " + m.Op})
	}
	return nil
}

// show adds m as a notification request; its identifier is the tag, so a second show of a tag
// replaces the first. The center answers through the completion handler.
func (c *center) show(m helperMsg) {
	c.mu.Lock()
	c.slots[m.Tag] = m.Slot
	if t := c.timers[m.Tag]; t != nil {
		t.Stop()
		delete(c.timers, m.Tag)
	}
	if m.ExpireMS > 0 && !m.Approval {
		tag := m.Tag
		// Notifications on macOS do not expire: an informational one is removed, and reported
		// expired, when its time is up.
		c.timers[tag] = time.AfterFunc(time.Duration(m.ExpireMS)*time.Millisecond, func() {
			c.remove(tag)
			c.h.receive(helperMsg{Ev: "dismissed", Tag: tag, Reason: "TimedOut"})
		})
	}
	c.mu.Unlock()
	id := m.ID
	done := objc.NewBlock(func(_ objc.Block, err objc.ID) {
		msg := ""
		if err != 0 {
			msg = goString(err.Send(sel("localizedDescription")))
			if msg == "" {
				msg = "macOS did not show the notification"
			}
		}
		c.h.receive(helperMsg{Ev: "done", ID: id, Error: msg})
	})
	withPool(func() {
		content := objc.ID(objc.GetClass("UNMutableNotificationContent")).Send(selNew)
		content.Send(sel("setTitle:"), nsString(m.Title))
		content.Send(sel("setBody:"), nsString(m.Body))
		if m.Approval {
			content.Send(sel("setSound:"), objc.ID(objc.GetClass("UNNotificationSound")).Send(sel("defaultSound")))
			if len(m.Buttons) > 0 {
				content.Send(sel("setCategoryIdentifier:"), nsString(approvalCategory))
			}
		}
		request := objc.ID(objc.GetClass("UNNotificationRequest")).Send(
			sel("requestWithIdentifier:content:trigger:"), nsString(m.Tag), content, objc.ID(0))
		content.Send(sel("release"))
		c.center.Send(sel("addNotificationRequest:withCompletionHandler:"), request, done)
	})
	done.Release()
}

// remove takes the tag's notification off the screen and out of the Notification Center.
func (c *center) remove(tag string) {
	c.mu.Lock()
	delete(c.slots, tag)
	if t := c.timers[tag]; t != nil {
		t.Stop()
		delete(c.timers, tag)
	}
	c.mu.Unlock()
	withPool(func() {
		ids := objc.ID(objc.GetClass("NSArray")).Send(sel("arrayWithObject:"), nsString(tag))
		c.center.Send(sel("removeDeliveredNotificationsWithIdentifiers:"), ids)
		c.center.Send(sel("removePendingNotificationRequestsWithIdentifiers:"), ids)
	})
}

// close forgets the center: notifications shown stay, clicks on them report nothing.
func (c *center) close() {
	activeMu.Lock()
	if active == c {
		active = nil
	}
	activeMu.Unlock()
	c.mu.Lock()
	for _, t := range c.timers {
		t.Stop()
	}
	c.mu.Unlock()
	c.h.ended()
}

// didReceive is the delegate's userNotificationCenter:didReceiveNotificationResponse:
// withCompletionHandler: a button, a click on the body, or a dismissal.
func didReceive(_ objc.ID, _ objc.SEL, _ objc.ID, response objc.ID, handler objc.ID) {
	action := goString(response.Send(sel("actionIdentifier")))
	tag := goString(response.Send(sel("notification")).Send(sel("request")).Send(sel("identifier")))
	activeMu.Lock()
	c := active
	activeMu.Unlock()
	if c != nil {
		c.mu.Lock()
		slot, ok := c.slots[tag]
		c.mu.Unlock()
		if m, report := centerReport(tag, action, slot, ok); report {
			c.h.receive(m)
		}
	}
	callBlock(handler)
}

// willPresent is the delegate's userNotificationCenter:willPresentNotification:
// withCompletionHandler: notifications show even while MCP Tray's window is in front.
func willPresent(_ objc.ID, _ objc.SEL, _ objc.ID, _ objc.ID, handler objc.ID) {
	callBlock(handler, presentBannerListSound)
}

// blockLiteral is the start of every Objective-C block (the Blocks ABI).
type blockLiteral struct {
	isa             uintptr
	flags, reserved int32
	invoke          uintptr
}

// callBlock calls a block the system handed over, with integer arguments.
func callBlock(b objc.ID, args ...uintptr) {
	if b == 0 {
		return
	}
	lit := *(**blockLiteral)(unsafe.Pointer(&b))
	purego.SyscallN(lit.invoke, append([]uintptr{uintptr(b)}, args...)...)
}

// withPool runs f on one OS thread inside an autorelease pool, so the autoreleased objects
// it makes are freed.
func withPool(f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	pool := objc.ID(objc.GetClass("NSAutoreleasePool")).Send(selNew)
	defer pool.Send(sel("drain"))
	f()
}

// nsString is an autoreleased NSString of s.
func nsString(s string) objc.ID {
	return objc.ID(objc.GetClass("NSString")).Send(selStringUTF, s)
}

// goString copies an NSString.
func goString(s objc.ID) string {
	if s == 0 {
		return ""
	}
	p := objc.Send[*byte](s, selUTF8)
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}
