package display

import "testing"

func TestLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"read_file", "read_file"},
		{"delete_all\r\x1b[2Kread_thing", `delete_all\r\x1b[2Kread_thing`},
		{"a\nb\tc", `a\nb\tc`},
		{"evil\u202egnp.exe", `evil\u202egnp.exe`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"tag\U000e0041", `tag\ue0041`},
		{"c1\u009bx", `c1\u009bx`},
		{"bad\xffbyte", `bad\xffbyte`},
		{`C:\Users\me`, `C:\Users\me`},
		{`literal \x1b`, `literal \\x1b`},
		{"café ✓ 日本", "café ✓ 日本"},
	} {
		if got := Line(c.in); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestText(t *testing.T) {
	if got, want := Text("line one\nline\ttwo\r\x1b]8;;x\x07"), "line one\nline\ttwo\\r\\x1b]8;;x\\x07"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if Suspicious("plain text") || !Suspicious("a\x1bb") || !Suspicious("a\nb") {
		t.Error("Suspicious is wrong")
	}
}

func FuzzLineIsInert(f *testing.F) {
	f.Add("delete_all\r\x1b[2Kread_thing")
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		if Suspicious(out) {
			t.Fatalf("Line(%q) = %q still holds something unsafe", s, out)
		}
	})
}
