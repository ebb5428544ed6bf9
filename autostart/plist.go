package autostart

import (
	"encoding/xml"
	"strings"
)

// launchAgent renders a LaunchAgent property list that starts the program once at login.
// KeepAlive stays off: quitting MCP Tray from its menu must keep it quit.
func launchAgent(e Entry) string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString(`<plist version="1.0">` + "\n<dict>\n")
	b.WriteString("\t<key>Label</key>\n\t<string>" + xmlText(e.ID) + "</string>\n")
	b.WriteString("\t<key>ProgramArguments</key>\n\t<array>\n")
	for _, a := range append([]string{e.Command}, e.Args...) {
		b.WriteString("\t\t<string>" + xmlText(a) + "</string>\n")
	}
	b.WriteString("\t</array>\n")
	b.WriteString("\t<key>RunAtLoad</key>\n\t<true/>\n")
	b.WriteString("\t<key>KeepAlive</key>\n\t<false/>\n")
	b.WriteString("\t<key>ProcessType</key>\n\t<string>Interactive</string>\n")
	b.WriteString("</dict>\n</plist>\n")
	return b.String()
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// plistProgram returns the first ProgramArguments string of a LaunchAgent; "" when none.
func plistProgram(content string) string {
	var doc struct {
		Dict struct {
			Inner []byte `xml:",innerxml"`
		} `xml:"dict"`
	}
	if xml.Unmarshal([]byte(content), &doc) != nil {
		return ""
	}
	dec := xml.NewDecoder(strings.NewReader(string(doc.Dict.Inner)))
	var key string
	inArgs := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var text string
		switch se.Name.Local {
		case "key":
			if dec.DecodeElement(&text, &se) != nil {
				return ""
			}
			key, inArgs = text, false
		case "array":
			inArgs = key == "ProgramArguments"
		case "string":
			if dec.DecodeElement(&text, &se) != nil {
				return ""
			}
			if inArgs {
				return text
			}
		}
	}
}
