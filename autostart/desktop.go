package autostart

import (
	"strings"
)

// desktopFile renders an XDG autostart entry (Desktop Entry Specification 1.5).
func desktopFile(e Entry) string {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Version=1.5\n")
	b.WriteString("Name=" + desktopValue(e.Name) + "\n")
	if e.Comment != "" {
		b.WriteString("Comment=" + desktopValue(e.Comment) + "\n")
	}
	argv := append([]string{e.Command}, e.Args...)
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = execArg(a)
	}
	b.WriteString("Exec=" + desktopValue(strings.Join(quoted, " ")) + "\n")
	b.WriteString("Icon=" + desktopValue(e.ID) + "\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("X-GNOME-Autostart-enabled=true\n")
	return b.String()
}

// execArg quotes one Exec argument as the spec asks: arguments with reserved characters go in
// double quotes with ", `, $ and \ escaped; a literal % is written %%.
func execArg(a string) string {
	a = strings.ReplaceAll(a, "%", "%%")
	if a != "" && !strings.ContainsAny(a, " \t\n\"'\\><~|&;$*?#()`") {
		return a
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`)
	return `"` + r.Replace(a) + `"`
}

// desktopValue escapes a string value of a .desktop file; every value is on one line.
func desktopValue(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`)
	return r.Replace(s)
}

// desktopExec returns the program an autostart .desktop file starts: the first word of its
// Exec line, unquoted; "" when there is none.
func desktopExec(content string) string {
	for line := range strings.Lines(content) {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "Exec=")
		if !ok {
			continue
		}
		v = strings.ReplaceAll(v, `\\`, `\`) // the .desktop string escape
		if strings.HasPrefix(v, `"`) {
			var out strings.Builder
			for i := 1; i < len(v); i++ {
				switch c := v[i]; {
				case c == '\\' && i+1 < len(v):
					i++
					out.WriteByte(v[i])
				case c == '"':
					return strings.ReplaceAll(out.String(), "%%", "%")
				default:
					out.WriteByte(c)
				}
			}
			return ""
		}
		first, _, _ := strings.Cut(v, " ")
		return strings.ReplaceAll(first, "%%", "%")
	}
	return ""
}
