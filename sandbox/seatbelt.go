package sandbox

import (
	"fmt"
	"slices"
	"strings"
)

// seatbeltProfile is the macOS sandbox-exec profile (SBPL) for r: the home folder denied by
// default, the system left readable, writes allowed only in the write paths and devices,
// MCP Tray's home and socket folder denied whatever else says, and, without network, no IP
// traffic. In SBPL the last matching rule wins, so the order below is the policy.
//
// It lives in a file without a build tag so that it is tested on every system.
func seatbeltProfile(r Rules, home string) string {
	var b strings.Builder
	b.WriteString("(version 1)\n(allow default)\n")
	b.WriteString("; changes only where granted\n(deny file-write*)\n")
	b.WriteString("(allow file-write* (subpath \"/dev\")")
	for _, p := range r.Write {
		fmt.Fprintf(&b, " (subpath %s)", sbplString(p))
	}
	b.WriteString(")\n")
	if home != "" {
		fmt.Fprintf(&b, "; nothing in the home folder unless granted\n(deny file-read* file-write* (subpath %s))\n", sbplString(home))
		var in []string
		for _, p := range slices.Concat(r.Read, r.Write) {
			if within(p, home) && p != home {
				in = append(in, p)
			}
		}
		if len(in) > 0 {
			b.WriteString("(allow file-read*")
			for _, p := range in {
				fmt.Fprintf(&b, " (subpath %s)", sbplString(p))
			}
			b.WriteString(")\n")
			var w []string
			for _, p := range r.Write {
				if within(p, home) && p != home {
					w = append(w, p)
				}
			}
			if len(w) > 0 {
				b.WriteString("(allow file-write*")
				for _, p := range w {
					fmt.Fprintf(&b, " (subpath %s)", sbplString(p))
				}
				b.WriteString(")\n")
			}
		}
	}
	if len(r.Hide) > 0 {
		b.WriteString("; MCP Tray's own files and socket, whatever was granted above\n(deny file-read* file-write*")
		for _, p := range r.Hide {
			fmt.Fprintf(&b, " (subpath %s)", sbplString(p))
		}
		b.WriteString(")\n(deny network-outbound")
		for _, p := range r.Hide {
			fmt.Fprintf(&b, " (remote unix-socket (subpath %s))", sbplString(p))
		}
		b.WriteString(")\n")
		// The server's own folders may sit inside MCP Tray's home (servers/NAME).
		var back []string
		for _, p := range r.Write {
			for _, h := range r.Hide {
				if within(p, h) && p != h && !slices.Contains(back, p) {
					back = append(back, p)
				}
			}
		}
		if len(back) > 0 {
			b.WriteString("(allow file-read* file-write*")
			for _, p := range back {
				fmt.Fprintf(&b, " (subpath %s)", sbplString(p))
			}
			b.WriteString(")\n")
		}
	}
	if !r.Network {
		b.WriteString("; no network\n(deny network-outbound (remote ip))\n(deny network-inbound (local ip))\n(deny network-bind (local ip))\n")
	}
	return b.String()
}

// sbplString quotes s as an SBPL string literal.
func sbplString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
