package catalog

import (
	"encoding/json"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"github.com/mcptray/mcptray/assets"
)

// Icons are the pictures a server.json document lists ("icons"). Decoding is lenient: an
// item that is not a well-formed icon is left out rather than refusing the entry, because a
// picture is never a reason not to list a server.
type Icons []Icon

// Icon is one published picture of a server: Src is its address, MimeType one of image/png,
// image/jpeg, image/svg+xml or image/webp, Sizes like "48x48" or "any", Theme "light",
// "dark" or "" for both.
type Icon struct {
	Src      string   `json:"src"`
	MimeType string   `json:"mimeType,omitempty"`
	Sizes    []string `json:"sizes,omitempty"`
	Theme    string   `json:"theme,omitempty"`
}

// UnmarshalJSON keeps the well-formed items of an array and ignores everything else.
func (ic *Icons) UnmarshalJSON(data []byte) error {
	*ic = nil
	var items []json.RawMessage
	if json.Unmarshal(data, &items) != nil {
		return nil
	}
	for _, raw := range items {
		var i Icon
		if json.Unmarshal(raw, &i) == nil && i.Src != "" {
			*ic = append(*ic, i)
		}
	}
	return nil
}

// iconTypes are the picture types a window may show, by MIME type and by file extension.
var iconTypes = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg", "image/jpg": ".jpg", "image/svg+xml": ".svg", "image/webp": ".webp",
}

// EntryIcon is what to show for an entry. Data is a built-in entry's own picture (SVG,
// 48×48, shipped with MCP Tray); nil for any other entry, which shows DefaultIcon. URL, for a
// registry entry that publishes a picture, is its https address: a window may fetch it (it
// then tells the picture's host that this computer looks at the catalog) and show it instead
// of the default; it is "" otherwise.
type EntryIcon struct {
	MimeType string // of Data: "image/svg+xml"
	Data     []byte
	URL      string
}

// Icon is the picture for the entry. Only a built-in entry gets its own embedded icon; a
// registry entry, even one that names a built-in id in its metadata, gets none and, when it
// publishes one, the URL of its own (light or theme-less preferred when dark is false, dark
// or theme-less when true).
func (e Entry) Icon(dark bool) EntryIcon {
	ic := EntryIcon{MimeType: "image/svg+xml"}
	if e.Origin == OriginEmbedded && e.Meta.ID != "" {
		if data, ok := BuiltinIcon(e.Meta.ID); ok {
			ic.Data = data
			return ic
		}
	}
	ic.URL = iconURL(e.Server.Icons, dark)
	return ic
}

// BuiltinIcon is the embedded icon of the built-in entry id; false when it has none.
func BuiltinIcon(id string) ([]byte, bool) {
	if id == "" || strings.ContainsAny(id, `/\.`) {
		return nil, false
	}
	data, err := fs.ReadFile(assets.CatalogIcons, path.Join("catalog/icons", id+".svg"))
	return data, err == nil
}

// DefaultIcon is the picture (SVG, 48×48) for an entry without a built-in one of its own.
func DefaultIcon() []byte {
	data, err := fs.ReadFile(assets.CatalogIcons, "catalog/icons/_default.svg")
	if err != nil {
		panic("the default catalog icon is missing from the build: " + err.Error())
	}
	return data
}

// iconURL picks the published icon to show: https only (no data:, http: or file: address,
// nothing with credentials in it), of a type a window can show; one for the theme wins over
// one for both, which wins over one for the other theme.
func iconURL(icons Icons, dark bool) string {
	want := "light"
	if dark {
		want = "dark"
	}
	best, bestRank := "", 0
	for _, i := range icons {
		if !usableIcon(i) {
			continue
		}
		rank := 1
		switch i.Theme {
		case want:
			rank = 3
		case "":
			rank = 2
		}
		if rank > bestRank {
			best, bestRank = i.Src, rank
		}
	}
	return best
}

func usableIcon(i Icon) bool {
	if len(i.Src) > 2048 {
		return false
	}
	u, err := url.Parse(i.Src)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return false
	}
	if i.MimeType != "" {
		_, ok := iconTypes[strings.ToLower(i.MimeType)]
		return ok
	}
	ext := strings.ToLower(path.Ext(u.Path))
	for _, e := range iconTypes {
		if ext == e || ext == ".jpeg" {
			return true
		}
	}
	return false
}
