package redact

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedact(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	for _, c := range []struct {
		name    string
		secrets map[string]string
		in      string
		want    string
	}{
		{"no secrets", nil, "token=ghp_abcdef123456", "token=ghp_abcdef123456"},
		{"raw", map[string]string{"TOKEN": "ghp_abcdef123456"},
			"ghp_abcdef123456 then token=ghp_abcdef123456, and ghp_abcdef123456",
			"[redacted:TOKEN] then token=[redacted:TOKEN], and [redacted:TOKEN]"},
		{"back to back", map[string]string{"K": "secret1"}, "secret1secret1", "[redacted:K][redacted:K]"},
		{"shorter than six characters", map[string]string{"PIN": "12345"}, "pin 12345", "pin 12345"},
		{"six characters", map[string]string{"PIN": "123456"}, "pin 123456", "pin [redacted:PIN]"},
		{"characters, not bytes", map[string]string{"K": "日本語"}, "日本語 is short", "日本語 is short"},
		{"unicode", map[string]string{"K": "pässwörd🔑"}, "pw=pässwörd🔑;", "pw=[redacted:K];"},
		{"base64", map[string]string{"K": "ghp_abcdef123456"},
			"a " + b64([]byte("ghp_abcdef123456")) + " b " + strings.TrimRight(b64([]byte("ghp_abcdef123456")), "="),
			"a [redacted:K] b [redacted:K]"},
		{"url-safe base64", map[string]string{"K": "\xfb\xff\xbf>>>?"},
			base64.URLEncoding.EncodeToString([]byte("\xfb\xff\xbf>>>?")) + " " + base64.RawURLEncoding.EncodeToString([]byte("\xfb\xff\xbf>>>?")),
			"[redacted:K] [redacted:K]"},
		{"inside longer base64: HTTP Basic", map[string]string{"PASSWORD": "correct horse"},
			"Authorization: Basic " + b64([]byte("alice:correct horse")),
			// The characters mixing bits of "alice:" or of the end stay.
			"Authorization: Basic YWxpY2U6[redacted:PASSWORD]"},
		{"inside longer base64, each alignment", map[string]string{"K": "s3cr3t-value"},
			b64([]byte("x:s3cr3t-value")) + " " + b64([]byte("xy:s3cr3t-value/")) + " " + b64([]byte("xyz:s3cr3t-value//")),
			// What stays are the characters that mix bits of the secret
			// with bits of the bytes around it.
			"eDp[redacted:K]U= eHk6[redacted:K]Lw== eHl6On[redacted:K]S8v"},
		{"url query", map[string]string{"K": "p@ss w/rd+1"}, "https://x.test/?pw=p%40ss+w%2Frd%2B1&a=b", "https://x.test/?pw=[redacted:K]&a=b"},
		{"url path", map[string]string{"K": "p@ss w/rd+1"}, "https://x.test/p@ss%20w%2Frd+1/x", "https://x.test/[redacted:K]/x"},
		{"json", map[string]string{"K": "a\"b\\c\nd<e>"}, `{"k":"a\"b\\c\nd\u003ce\u003e","j":"a\"b\\c\nd<e>"}`, `{"k":"[redacted:K]","j":"[redacted:K]"}`},
		{"json, slashes escaped", map[string]string{"K": "http://u:pw@h"}, `{"u":"http:\/\/u:pw@h"}`, `{"u":"[redacted:K]"}`},
		{"json, ascii only", map[string]string{"K": "pässwörd🔑"}, `{"p":"p\u00e4ssw\u00f6rd\ud83d\udd11"}`, `{"p":"[redacted:K]"}`},
		{"surrounding white space trimmed", map[string]string{"K": "  ghp_abcdef123456\n"}, "token ghp_abcdef123456.", "token [redacted:K]."},
		{"multi-line secret, line by line", map[string]string{"KEY": "-----BEGIN KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQEF\n-----END KEY-----\n"},
			"stderr: MIIEvQIBADANBg\nstderr: kqhkiG9w0BAQEF\n",
			"stderr: [redacted:KEY]\nstderr: [redacted:KEY]\n"},
		{"hex and its capitals", map[string]string{"K": "ghp_abcdef123456"},
			"a " + hex.EncodeToString([]byte("ghp_abcdef123456")) + " b " + strings.ToUpper(hex.EncodeToString([]byte("ghp_abcdef123456"))),
			"a [redacted:K] b [redacted:K]"},
		{"in capitals", map[string]string{"K": "ghp_abcdef123456"}, "token GHP_ABCDEF123456.", "token [redacted:K]."},
		{"a short secret's capitals are words", map[string]string{"K": "Secret"}, "SECRET secret Secret", "SECRET secret [redacted:K]"},
		{"UTF-16, both byte orders", map[string]string{"K": "ghp_ab12"},
			"le g\x00h\x00p\x00_\x00a\x00b\x001\x002\x00 be \x00g\x00h\x00p\x00_\x00a\x00b\x001\x002.",
			"le [redacted:K] be [redacted:K]."},
		{"longest pattern first", map[string]string{"SHORT": "abcdefgh", "LONG": "abcdefghijkl"},
			"abcdefghijkl abcdefghXX", "[redacted:LONG] [redacted:SHORT]XX"},
		{"overlapping secrets become one marker", map[string]string{"A": "abcdef12", "B": "ef123456"},
			"xxabcdef123456yy", "xx[redacted:A]yy"},
		{"same value, first key in order", map[string]string{"B_KEY": "shared-value", "A_KEY": "shared-value"},
			"shared-value", "[redacted:A_KEY]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := New(c.secrets)
			if got := r.RedactString(c.in); got != c.want {
				t.Errorf("RedactString:\n got %q\nwant %q", got, c.want)
			}
			if got := string(r.Redact([]byte(c.in))); got != c.want {
				t.Errorf("Redact:\n got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestNothingToReplaceReturnsInput(t *testing.T) {
	in := []byte("nothing secret here, just a log line")
	for _, r := range []*Redactor{nil, new(Redactor), New(nil), New(map[string]string{"K": "not-in-the-input"})} {
		out := r.Redact(in)
		if len(out) != len(in) || &out[0] != &in[0] {
			t.Errorf("Redact copied (or changed) an input with nothing to replace")
		}
		if got := r.RedactString(string(in)); got != string(in) {
			t.Errorf("RedactString = %q, want the input", got)
		}
	}
}

func TestSetReplacesSecrets(t *testing.T) {
	r := New(map[string]string{"OLD": "old-secret-value"})
	r.Set(map[string]string{"NEW": "new-secret-value"})
	got := r.RedactString("old-secret-value new-secret-value")
	if want := "old-secret-value [redacted:NEW]"; got != want {
		t.Errorf("after Set: %q, want %q", got, want)
	}
	r.Set(nil)
	if got := r.RedactString("new-secret-value"); got != "new-secret-value" {
		t.Errorf("after Set(nil): %q, want the input", got)
	}
}

func TestInputIsNotModified(t *testing.T) {
	in := []byte("a secret-value b")
	New(map[string]string{"K": "secret-value"}).Redact(in)
	if string(in) != "a secret-value b" {
		t.Errorf("Redact modified its input: %q", in)
	}
}

// TestConcurrentSet redacts while the secrets change: every result must come
// from one whole set, never a mix.
func TestConcurrentSet(t *testing.T) {
	sets := []map[string]string{
		{"A": "alpha-secret", "B": "bravo-secret"},
		{"C": "alpha-secret", "D": "bravo-secret"},
	}
	in := "alpha-secret bravo-secret"
	valid := map[string]bool{
		"[redacted:A] [redacted:B]": true,
		"[redacted:C] [redacted:D]": true,
	}
	r := New(sets[0])
	stop := make(chan struct{})
	var setter sync.WaitGroup
	setter.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
				r.Set(sets[i%2])
			}
		}
	})
	var readers sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		readers.Go(func() {
			for range 2000 {
				if got := r.RedactString(in); !valid[got] {
					errs <- got
					return
				}
			}
		})
	}
	readers.Wait()
	close(stop)
	setter.Wait()
	close(errs)
	for got := range errs {
		t.Errorf("RedactString during Set = %q, a mix of two sets", got)
	}
}

// TestBase64Core checks the property base64Core is built on: the core for
// offset len(prefix)%3 appears in the encoding of prefix+value+suffix,
// whatever the prefix and suffix.
func TestBase64Core(t *testing.T) {
	value := "the-secret-value\x00\xff"
	for p := range 7 {
		for s := range 4 {
			prefix, suffix := strings.Repeat("\xa5", p), strings.Repeat("\x5a", s)
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				core := base64Core(enc, value, p%3)
				full := enc.EncodeToString([]byte(prefix + value + suffix))
				if len(core) < len(value) || !strings.Contains(full, core) {
					t.Errorf("prefix %d, suffix %d: core %q not in %q", p, s, core, full)
				}
			}
		}
	}
}

func TestVariantsOfShortValues(t *testing.T) {
	for _, v := range []string{"", "a", "12345", "日本語", "\n\n\n\n\n"} {
		if got := variants(v); len(got) != 0 {
			t.Errorf("variants(%q) = %q, want none", v, got)
		}
	}
	got := variants("abcdef")
	// The other encodings are equal or too short; hex and UTF-16 are longer; other capitals
	// only for secrets of 12 characters or more.
	want := []string{"abcdef", "YWJjZGVm", "616263646566", "a\x00b\x00c\x00d\x00e\x00f\x00", "\x00a\x00b\x00c\x00d\x00e\x00f"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variants(%q) (-want +got):\n%s", "abcdef", diff)
	}
}

func ExampleRedactor() {
	r := New(map[string]string{"GITHUB_TOKEN": "ghp_0123456789abcdef"})
	fmt.Println(r.RedactString(`auth failed for token "ghp_0123456789abcdef"`))
	// Output: auth failed for token "[redacted:GITHUB_TOKEN]"
}

// Forms lists the value itself and the encodings a Redactor catches, and nothing for a value
// too short to be a pattern.
func TestFormsAreWhatIsRedacted(t *testing.T) {
	const v = "p/ss<word>&-0123"
	forms := Forms(v)
	if len(forms) == 0 || forms[0] != v {
		t.Fatalf("Forms(%q) = %q, want the value first", v, forms)
	}
	r := New(map[string]string{"K": v})
	for _, f := range forms {
		if got := r.RedactString("x " + f + " y"); strings.Contains(got, f) {
			t.Errorf("the form %q is listed but not redacted: %q", f, got)
		}
	}
	if got := Forms("short"); len(got) != 0 {
		t.Errorf("Forms of a short value = %q, want none", got)
	}
}
