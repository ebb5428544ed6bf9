package bundle

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const okManifest = `{"manifest_version":"0.3","name":"x","version":"1.0.0","description":"d","author":{"name":"a"},
 "server":{"type":"node","entry_point":"server/index.js","mcp_config":{"command":"node","args":["${__dirname}/server/index.js"]}}}`

func TestHostileBundlesAreRefused(t *testing.T) {
	m := entry{name: "manifest.json", body: okManifest}
	js := entry{name: "server/index.js", body: "console.log(1)"}
	cases := []struct {
		name    string
		entries []entry
		want    string
	}{
		{"zip slip", []entry{m, js, {name: "../../.bashrc", body: "evil"}}, "leaves the bundle"},
		{"zip slip inside", []entry{m, js, {name: "server/../../evil", body: "evil"}}, "leaves the bundle"},
		{"absolute path", []entry{m, js, {name: "/etc/cron.d/evil", body: "evil"}}, "absolute path"},
		{"backslash path", []entry{m, js, {name: `..\..\evil.bat`, body: "evil"}}, "not a plain name"},
		{"drive letter", []entry{m, js, {name: `C:/evil`, body: "evil"}}, "not a plain name"},
		{"symlink", []entry{m, js, {name: "server/link", body: "/etc/passwd", mode: os.ModeSymlink | 0o777}}, "a link"},
		{"duplicate name", []entry{m, js, {name: "server/index.js", body: "evil"}}, `holds "server/index.js" twice`},
		{"case variant", []entry{m, js, {name: "server/INDEX.js", body: "evil"}}, "the same file on Windows and macOS"},
		{"duplicate manifest", []entry{m, js, {name: "manifest.json", body: okManifest}}, `holds "manifest.json" twice`},
		{"file and folder", []entry{m, js, {name: "server", body: "x"}}, "both as a file and as a folder"},
		{"manifest duplicate key", []entry{{name: "manifest.json", body: strings.Replace(okManifest, `"name":"x"`, `"name":"x","name":"y"`, 1)}, js}, `gives "name" twice`},
		{"manifest nested duplicate key", []entry{{name: "manifest.json", body: strings.Replace(okManifest, `"command":"node"`, `"command":"node","command":"sh"`, 1)}, js}, `gives "server.mcp_config.command" twice`},
		{"manifest case-variant key", []entry{{name: "manifest.json", body: strings.Replace(okManifest, `"command":"node"`, `"command":"node","Command":"sh"`, 1)}, js}, `both "command" and "Command"`},
		{"manifest key in another case", []entry{{name: "manifest.json", body: strings.Replace(okManifest, `"server":`, `"Server":`, 1)}, js}, `spells "server" as "Server"`},
		{"entry point outside", []entry{{name: "manifest.json", body: strings.Replace(okManifest, `"entry_point":"server/index.js"`, `"entry_point":"../index.js"`, 1)}, js}, "outside the bundle"},
		{"entry point absolute", []entry{{name: "manifest.json", body: strings.Replace(okManifest, `"entry_point":"server/index.js"`, `"entry_point":"/usr/bin/node"`, 1)}, js}, "outside the bundle"},
		{"entry point missing", []entry{{name: "manifest.json", body: strings.Replace(okManifest, `server/index.js"`, `server/main.js"`, 1)}, js}, "not in the bundle"},
		{"no manifest", []entry{js}, "no manifest.json"},
		{"unknown server type", []entry{{name: "manifest.json", body: strings.Replace(okManifest, `"type":"node"`, `"type":"ruby"`, 1)}, js}, `"ruby" server`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(handZip(t, c.entries...))
			mustRefuse(t, err, c.want)
		})
	}
}

func TestZipBombIsRefused(t *testing.T) {
	defer func(old int64) { maxUnpacked = old }(maxUnpacked)
	maxUnpacked = 4 << 20
	m := entry{name: "manifest.json", body: okManifest}
	js := entry{name: "server/index.js", body: "console.log(1)"}

	t.Run("declared sizes", func(t *testing.T) {
		big := strings.Repeat("\x00", 3<<20)
		_, err := Read(handZip(t, m, js, entry{name: "a.bin", body: big}, entry{name: "b.bin", body: big}))
		mustRefuse(t, err, "would unpack to more than")
	})
	t.Run("headers that lie", func(t *testing.T) {
		// A deflated 8 MB of zeros whose header claims 10 bytes: the bytes read are counted.
		var raw bytes.Buffer
		fw, _ := flate.NewWriter(&raw, flate.BestCompression)
		zeros := make([]byte, 8<<20)
		fw.Write(zeros)
		fw.Close()
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, e := range []entry{m, js} {
			w, _ := zw.Create(e.name)
			w.Write([]byte(e.body))
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "bomb.bin", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(zeros[:10]),
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: 10})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw.Bytes())
		zw.Close()
		b, err := Read(buf.Bytes())
		if err != nil {
			t.Fatal(err) // the headers are within the limits; unpacking reads the truth
		}
		dir := t.TempDir()
		_, err = b.Unpack(filepath.Join(dir, "servers", "x", "1.0.0"))
		mustRefuse(t, err, "not the size its archive says")
		if left, _ := filepath.Glob(filepath.Join(dir, "servers", "x", "*")); len(left) > 0 {
			t.Errorf("a refused unpack left %v behind", left)
		}
	})
}

func TestTooManyEntries(t *testing.T) {
	entries := []entry{{name: "manifest.json", body: okManifest}, {name: "server/index.js", body: "1"}}
	for i := range MaxEntries {
		entries = append(entries, entry{name: "f/" + strings.Repeat("a", 3) + itoa(i)})
	}
	_, err := Read(handZip(t, entries...))
	mustRefuse(t, err, "more than 100000 files")
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
		if i == 0 {
			return string(b)
		}
	}
}
