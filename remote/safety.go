package remote

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mcptray/mcptray/internal/display"
)

// A remote server is reached only where the person pointed MCP Tray: https everywhere, plain
// http only to this machine; never, through DNS or a redirect, to this machine or the local
// network unless the address the person gave is itself there. The check is made on the
// address actually dialled (after DNS), so a name that resolves to a public address once and
// to 127.0.0.1 the next time (DNS rebinding) is refused the second time.

// ErrUnsafeURL is wrapped by CheckURL's error for an address MCP Tray will not reach.
var ErrUnsafeURL = errors.New("unsafe remote address")

// ErrRefusedAddress is wrapped by the error of a connection the dialer refused.
var ErrRefusedAddress = errors.New("refused network address")

// Timeouts for reaching a remote server. A tool call itself may take long: it has no timeout
// here, the relay's limits apply to it.
const (
	dialTimeout      = 10 * time.Second
	handshakeTimeout = 10 * time.Second
	shortTimeout     = 30 * time.Second // a notification, a response, the session's DELETE
)

// CheckURL reports whether raw is an address MCP Tray may use for a remote server: an
// absolute http(s) URL with a host, no user name or password in it, and https unless the
// host is this machine (localhost or a loopback address). The error is one sentence (without
// the address's user part or query, either of which may be a credential) and matches
// ErrUnsafeURL.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, unsafe("the address given is not a web address like https://example.com/mcp")
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, unsafe(fmt.Sprintf("%s is not a web address like https://example.com/mcp", quoted(shownURL(u))))
	}
	if u.User != nil {
		return nil, unsafe("the address of a remote server must not carry a user name or password; use --header with a secret instead")
	}
	if u.Scheme == "http" && !LoopbackHost(u.Hostname()) {
		return nil, unsafe(fmt.Sprintf("plain http to %s can be read by anyone on the way; use https (plain http is only for servers on this computer)", u.Hostname()))
	}
	if u.Fragment != "" {
		return nil, unsafe("the address of a remote server must not have a #fragment")
	}
	return u, nil
}

// maxShown bounds the part of what a server said (an address, a scope, a name) that a note or
// an error quotes: a server can send megabytes in a header or an event, and notes go to the
// log, errors to the AI app, the status and the terminal.
const maxShown = 200

// quoted is s as a note or an error quotes it: in quotes, with control and invisible
// characters escaped, and cut after maxShown bytes.
func quoted(s string) string {
	return strconv.Quote(cut(s))
}

// cut is s without what follows maxShown bytes ("…" says something was left out).
func cut(s string) string {
	if len(s) <= maxShown {
		return s
	}
	return strings.ToValidUTF8(s[:maxShown], "") + "…"
}

// shownHost is the host of u, an address a server gave, as a sentence may name it.
func shownHost(u *url.URL) string { return display.Line(cut(hostOf(u))) }

// shownURL is u as an error may show it: without a user name or password, and with "?…"
// for a query, since either may be a credential (an error reaches logs and screens).
func shownURL(u *url.URL) string {
	c := url.URL{Scheme: u.Scheme, Opaque: u.Opaque, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	s := c.String()
	if u.Opaque != "" {
		// mailto:x or host:port without a scheme: the part after the colon may be anything.
		s = u.Scheme + ":…"
	}
	if u.RawQuery != "" || u.ForceQuery {
		s += "?…"
	}
	return display.Line(cut(s))
}

// unsafeURLError is CheckURL's: its text is the sentence alone, and it matches ErrUnsafeURL.
type unsafeURLError struct{ msg string }

func unsafe(msg string) error { return &unsafeURLError{msg} }

func (e *unsafeURLError) Error() string        { return e.msg }
func (e *unsafeURLError) Is(target error) bool { return target == ErrUnsafeURL }

// LoopbackHost reports whether host (without port) names this machine by itself: "localhost"
// or a loopback address. Other names are not trusted to stay on this machine.
func LoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && a.Unmap().IsLoopback()
}

// reach says which addresses a connection may go to.
type reach struct {
	loopback bool // the person's address is this machine
	private  bool // the person allowed the local network
}

func reachFor(u *url.URL, allowPrivate bool) reach {
	return reach{loopback: LoopbackHost(u.Hostname()), private: allowPrivate}
}

// allows reports whether a connection to a may be made.
func (r reach) allows(a netip.Addr) bool {
	a = a.Unmap()
	if v4, ok := embeddedIPv4(a); ok {
		// A NAT64, 6to4 or IPv4-compatible address leads to the IPv4 address inside it, as
		// seen from a gateway: held to that address's rules, and never to a loopback one (the
		// gateway's own, not this computer's).
		return !v4.IsLoopback() && r.allows(v4)
	}
	switch {
	case a.IsLoopback():
		return r.loopback
	case a.IsUnspecified(), a.IsMulticast(), a.IsInterfaceLocalMulticast(), a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast(),
		thisNetwork.Contains(a), a == broadcast, cloudMetadata[a]:
		return false // 169.254.169.254 (cloud metadata) and friends: never
	case a.IsPrivate() || cgnat.Contains(a) || nat64Local.Contains(a):
		return r.private
	}
	return true
}

var (
	cgnat       = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8") // Linux connects 0.0.0.0 to this computer
	broadcast   = netip.MustParseAddr("255.255.255.255")
	// Cloud metadata services that are not at a link-local address: AWS's IPv6 one and
	// Alibaba Cloud's (inside the carrier-grade NAT range, so otherwise allowed with the
	// local network).
	cloudMetadata = map[netip.Addr]bool{netip.MustParseAddr("fd00:ec2::254"): true, netip.MustParseAddr("100.100.100.200"): true}
	// nat64 is the well-known NAT64 prefix (RFC 6052), whose last 32 bits are an IPv4
	// address; nat64Local is the local-use one (RFC 8215), a network's own translator.
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour  = netip.MustParsePrefix("2002::/16")
	v4Compat   = netip.MustParsePrefix("::/96")
)

// embeddedIPv4 returns the IPv4 address a translated or tunnelled IPv6 address a leads to.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	if !a.Is6() {
		return netip.Addr{}, false
	}
	b := a.As16()
	switch {
	case nat64.Contains(a), v4Compat.Contains(a) && !a.IsUnspecified() && !a.IsLoopback():
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// control is the dialer's last word: it sees the address really being connected to.
func (r reach) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrRefusedAddress, address)
	}
	if !r.allows(ap.Addr()) {
		return fmt.Errorf("%w: %s is on this computer or the local network", ErrRefusedAddress, ap.Addr())
	}
	return nil
}

// newClient returns the HTTP client for one remote server at base: its dialer refuses
// addresses outside r, it follows redirects only within base's origin (scheme, host and
// port: a header carrying a secret never goes elsewhere), and it uses no proxy from the
// environment (the address check must see the real destination).
func newClient(base *url.URL, r reach) *http.Client {
	d := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Control: r.control}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   handshakeTimeout,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: tr, CheckRedirect: sameOrigin(base)}
}

// ErrRedirect is wrapped by the error of a request the server redirected elsewhere.
var ErrRedirect = errors.New("redirected to another site")

func sameOrigin(base *url.URL) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return fmt.Errorf("%w: too many redirects", ErrRedirect)
		}
		if !SameOrigin(base, req.URL) {
			return fmt.Errorf("%w: the server sent MCP Tray on to %s, which is not where it was added", ErrRedirect, shownHost(req.URL))
		}
		return nil
	}
}

// SameOrigin reports whether a and b have the same scheme, host and port.
func SameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// closeIdle ends a client's idle connections.
func closeIdle(c *http.Client) { c.CloseIdleConnections() }
