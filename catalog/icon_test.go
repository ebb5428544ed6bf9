package catalog

import (
	"bytes"
	"encoding/xml"
	"io/fs"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/assets"
)

// Every built-in entry has its own icon, every icon belongs to an entry, and each is a small,
// self-contained drawing: no script, no text (the window's SVG renderer draws none), no
// picture or address from elsewhere.
func TestBuiltinIcons(t *testing.T) {
	entries, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(assets.CatalogIcons, "catalog/icons/*.svg")
	if err != nil {
		t.Fatal(err)
	}
	owned := map[string]bool{"catalog/icons/_default.svg": true}
	for _, e := range entries {
		ic := e.Icon(false)
		own, ok := BuiltinIcon(e.ID())
		if !ok || !bytes.Equal(ic.Data, own) || ic.URL != "" || ic.MimeType != "image/svg+xml" {
			t.Errorf("%s: no icon of its own (%v), or Icon gives another", e.ID(), ok)
		}
		owned["catalog/icons/"+e.ID()+".svg"] = true
	}
	total := 0
	for _, f := range files {
		if !owned[f] {
			t.Errorf("%s belongs to no built-in entry", f)
		}
		data, _ := fs.ReadFile(assets.CatalogIcons, f)
		total += len(data)
		if len(data) > 1024 {
			t.Errorf("%s is %d bytes; keep icons under 1 KB", f, len(data))
		}
		checkDrawing(t, f, data)
	}
	if total > 16*1024 {
		t.Errorf("the icons take %d bytes together; keep them under 16 KB", total)
	}
	if d := DefaultIcon(); len(d) == 0 {
		t.Error("no default icon")
	}
	if _, ok := BuiltinIcon("../catalog/github"); ok {
		t.Error("BuiltinIcon followed a path")
	}
}

// checkDrawing fails the test unless data is an SVG of 48×48 made of shapes only.
func checkDrawing(t *testing.T, name string, data []byte) {
	t.Helper()
	allowed := map[string]bool{"svg": true, "g": true, "rect": true, "circle": true, "ellipse": true, "path": true}
	dec := xml.NewDecoder(bytes.NewReader(data))
	first := true
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Errorf("%s: %v", name, err)
			}
			return
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !allowed[el.Name.Local] {
			t.Errorf("%s holds <%s>", name, el.Name.Local)
		}
		for _, a := range el.Attr {
			if strings.Contains(strings.ToLower(a.Name.Local), "href") || strings.HasPrefix(strings.ToLower(a.Name.Local), "on") ||
				strings.Contains(a.Value, "url(") {
				t.Errorf("%s: <%s %s=%q> reaches outside the drawing", name, el.Name.Local, a.Name.Local, a.Value)
			}
		}
		if first {
			first = false
			if el.Name.Local != "svg" || attr(el, "viewBox") != "0 0 48 48" {
				t.Errorf("%s: the drawing is not an svg with viewBox 0 0 48 48", name)
			}
		}
	}
}

func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// A registry entry gets no built-in picture (the window shows DefaultIcon), and the address of its own only when it is https
// and a picture; it never gets a built-in entry's icon by claiming its id.
func TestRegistryIcons(t *testing.T) {
	for _, tt := range []struct {
		name, icons string
		dark        bool
		want        string
	}{
		{"none", ``, false, ""},
		{"https png", `[{"src":"https://x.example/i.png","mimeType":"image/png"}]`, false, "https://x.example/i.png"},
		{"by extension", `[{"src":"https://x.example/i.svg"}]`, false, "https://x.example/i.svg"},
		{"http", `[{"src":"http://x.example/i.png","mimeType":"image/png"}]`, false, ""},
		{"data", `[{"src":"data:image/png;base64,AAAA","mimeType":"image/png"}]`, false, ""},
		{"javascript", `[{"src":"javascript:alert(1)","mimeType":"image/png"}]`, false, ""},
		{"credentials", `[{"src":"https://u:p@x.example/i.png","mimeType":"image/png"}]`, false, ""},
		{"not a picture", `[{"src":"https://x.example/i.html","mimeType":"text/html"}]`, false, ""},
		{"unknown extension", `[{"src":"https://x.example/i.exe"}]`, false, ""},
		{"light wins when light", `[{"src":"https://x.example/d.png","theme":"dark"},{"src":"https://x.example/a.png"},{"src":"https://x.example/l.png","theme":"light"}]`, false, "https://x.example/l.png"},
		{"dark wins when dark", `[{"src":"https://x.example/l.png","theme":"light"},{"src":"https://x.example/d.png","theme":"dark"}]`, true, "https://x.example/d.png"},
		{"other theme as a last resort", `[{"src":"https://x.example/d.png","theme":"dark"}]`, false, "https://x.example/d.png"},
		{"malformed items skipped", `[1, "x", {"src": 3}, {"src":"https://x.example/ok.png"}]`, false, "https://x.example/ok.png"},
		{"not an array", `"https://x.example/i.png"`, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			icons := ""
			if tt.icons != "" {
				icons = `"icons":` + tt.icons + `,`
			}
			e, err := parseUncurated([]byte(`{"name":"io.github.example/weather",` + icons + `"description":"d","version":"1.0.0",
				"packages":[{"registryType":"npm","identifier":"weather","version":"1.0.0","transport":{"type":"stdio"}}],
				"_meta":{"io.github.mcptray/catalog":{"id":"filesystem"}}}`))
			if err != nil {
				t.Fatalf("the entry was refused over its icons: %v", err)
			}
			e.Origin = OriginRegistry
			ic := e.Icon(tt.dark)
			if ic.URL != tt.want || ic.Data != nil {
				t.Errorf("Icon = URL %q, %d bytes; want URL %q and no built-in picture", ic.URL, len(ic.Data), tt.want)
			}
		})
	}
}
