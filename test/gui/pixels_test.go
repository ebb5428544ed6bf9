//go:build linux

package gui

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// grab captures the window win as an image.
func (s *session) grab(win string) image.Image {
	s.t.Helper()
	path := filepath.Join(s.t.TempDir(), "grab.png")
	cmd := exec.Command("import", "-window", win, path)
	cmd.Env = append(os.Environ(), "DISPLAY="+s.d.Name)
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("capturing the window: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		s.t.Fatalf("reading the window's picture: %v", err)
	}
	return img
}

// blue reports whether a pixel is the blue of a button that does the main thing (Fyne's
// high importance), drawn enabled: (38,114,255), or the lighter (107,164,255) it is drawn in
// under a window manager (openbox). A disabled button is grey, (44,58,82).
func blue(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r>>8 < 130 && g>>8 < 190 && b>>8 > 200
}

// blueButtons finds the blue buttons of the window, top to bottom, and returns a point inside
// each (its middle): a row of at least 40 blue pixels starts a button, which ends at the
// first row without one. It waits up to 20 s for at least n buttons to be drawn.
func (s *session) blueButtons(win string, n int) []image.Point {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		img := s.grab(win)
		var out []image.Point
		b := img.Bounds()
		top := -1
		var left, right int
		for y := b.Min.Y; y < b.Max.Y; y++ {
			l, r, run, best := -1, -1, 0, 0
			for x := b.Min.X; x < b.Max.X; x++ {
				if blue(img, x, y) {
					run++
					if run > best {
						best, r = run, x
						l = x - run + 1
					}
				} else {
					run = 0
				}
			}
			if best >= 40 {
				if top < 0 {
					top, left, right = y, l, r
				}
				continue
			}
			if top >= 0 {
				out = append(out, image.Pt((left+right)/2, (top+y)/2))
				top = -1
			}
		}
		if len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the window shows %d blue buttons, not %d, after 20 s", len(out), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// firstBlue is the topmost blue button of the window.
func (s *session) firstBlue(win string) (int, int) {
	s.t.Helper()
	p := s.blueButtons(win, 1)[0]
	return p.X, p.Y
}

// settle waits until two captures of the window, 300 ms apart, are the same picture but for a
// blinking caret: what it loads after it is drawn (the AI apps found, the catalog, the audit
// log) has arrived.
func (s *session) settle(win string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	last := s.grab(win)
	for {
		time.Sleep(300 * time.Millisecond)
		img := s.grab(win)
		// A text field's blinking caret is a line one or two pixels wide: the window has settled.
		if samePicture(img, last) || changedArea(img, last).Dx() <= 2 {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the window kept changing for 20 s, at %v (see settle-*.png)", changedArea(img, last))
		}
		last = img
	}
}

// changed waits until the window is no longer the picture before: a click has taken effect.
func (s *session) changed(win string, before image.Image, what string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for samePicture(s.grab(win), before) {
		if time.Now().After(deadline) {
			s.t.Fatalf("the window did not change to show %s within 20 s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// samePicture reports whether a and b have the same size and pixels.
func samePicture(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// changedArea is the smallest rectangle holding every pixel in which a and b differ.
func changedArea(a, b image.Image) image.Rectangle {
	var r image.Rectangle
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}
