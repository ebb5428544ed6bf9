// Command icons writes the app icon at the sizes the installers need: PNGs for the Linux
// hicolor theme (icons -png SRC -out DIR writes DIR/N/io.github.mcptray.png for each size)
// and, with -ico FILE, a Windows icon (a 256-pixel PNG inside an ICO, which Windows Vista and
// later read). scripts/package-linux.sh and package-windows.sh run it with `go run`.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"
)

func main() {
	src := flag.String("png", "assets/icons/app.png", "the app icon, a square PNG")
	out := flag.String("out", "", "folder to write N/io.github.mcptray.png into")
	ico := flag.String("ico", "", "also write a Windows .ico here")
	flag.Parse()
	err := run(*src, *out, []int{512, 256, 128, 48})
	if err == nil && *ico != "" {
		err = writeICO(*ico, filepath.Join(*out, "256", "io.github.mcptray.png"))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "icons: %v\n", err)
		os.Exit(1)
	}
}

func run(src, out string, sizes []int) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", src, err)
	}
	for _, n := range sizes {
		dst := image.NewRGBA(image.Rect(0, 0, n, n))
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
		dir := filepath.Join(out, fmt.Sprint(n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		w, err := os.Create(filepath.Join(dir, "io.github.mcptray.png"))
		if err != nil {
			return err
		}
		if err := png.Encode(w, dst); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	return nil
}

// writeICO wraps the 256-pixel PNG at src in a one-image ICO file (width and height 0 mean 256).
func writeICO(path, src string) error {
	img, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, [3]uint16{0, 1, 1})              // reserved, type icon, one image
	b.Write([]byte{0, 0, 0, 0})                                            // 256x256, no palette, reserved
	binary.Write(&b, binary.LittleEndian, [2]uint16{1, 32})                // planes, bits per pixel
	binary.Write(&b, binary.LittleEndian, [2]uint32{uint32(len(img)), 22}) // size, offset after this header
	b.Write(img)
	return os.WriteFile(path, b.Bytes(), 0o644)
}
