package policy

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The scanner corpus (testdata/scan, see its SOURCES.md): poisoned tools grouped by the source
// they come from, real tools grouped by the server that lists them, each source and server in
// the tune or the held-out split. The split was fixed before any rule was tuned; rules are
// only ever changed while looking at the tune split.

type corpusCase struct {
	Source, Split, Class, ID string
	Tool                     json.RawMessage
}

type corpusTool struct {
	Server, Split string
	Tool          json.RawMessage
}

func loadPoisoned(t testing.TB) []corpusCase {
	t.Helper()
	var out []corpusCase
	files, _ := filepath.Glob("testdata/scan/poisoned/*.json")
	for _, f := range files {
		var doc struct {
			Split string `json:"split"`
			Cases []struct {
				ID    string          `json:"id"`
				Class string          `json:"class"`
				Tool  json.RawMessage `json:"tool"`
			} `json:"cases"`
		}
		readJSON(t, f, &doc)
		if doc.Split != "tune" && doc.Split != "heldout" {
			t.Fatalf("%s: split %q is neither tune nor heldout", f, doc.Split)
		}
		src := strings.TrimSuffix(filepath.Base(f), ".json")
		for _, c := range doc.Cases {
			out = append(out, corpusCase{Source: src, Split: doc.Split, Class: c.Class, ID: c.ID, Tool: c.Tool})
		}
	}
	// The first corpus (testdata/poisoned) was written while the first scanner was tuned: tune.
	legacy := map[string]string{"bidi-override": "obfuscation", "credentials-exfiltration": "exfiltration",
		"fake-system-prompt": "classic", "schema-parameter-poisoning": "schema",
		"unicode-tag-smuggling": "obfuscation", "zero-width-split": "obfuscation"}
	for name, class := range legacy {
		var c poisonedCase
		readJSON(t, "testdata/poisoned/"+name+".json", &c)
		out = append(out, corpusCase{Source: "legacy", Split: "tune", Class: class, ID: name, Tool: c.Tool})
	}
	return out
}

func loadReal(t testing.TB) []corpusTool {
	t.Helper()
	held := map[string]bool{}
	f, err := os.Open("testdata/scan/real/heldout.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			held[line] = true
		}
	}
	var out []corpusTool
	for _, dir := range []string{"testdata/benign", "testdata/scan/real"} {
		files, _ := filepath.Glob(dir + "/*.json")
		for _, file := range files {
			var c benignCapture
			readJSON(t, file, &c)
			server := strings.TrimSuffix(filepath.Base(file), ".json")
			split := "tune"
			if held[server] && dir == "testdata/scan/real" {
				split = "heldout"
			}
			for _, raw := range c.Result.Tools {
				out = append(out, corpusTool{Server: server, Split: split, Tool: raw})
			}
		}
	}
	return out
}

func readJSON(t testing.TB, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// corpusFigures are the measured rates on one split.
type corpusFigures struct {
	poisoned, caught map[string]int // by the class the corpus gives the case
	real, flagged    int
	flaggedBy        map[ScanClass]int // real tools with a flag, by the class of their findings
	servers          map[string]bool
	misses           []string
	falseAlarms      []string
}

func measure(t testing.TB, split string) corpusFigures {
	fig := corpusFigures{poisoned: map[string]int{}, caught: map[string]int{}, flaggedBy: map[ScanClass]int{}, servers: map[string]bool{}}
	for _, c := range loadPoisoned(t) {
		if c.Split != split {
			continue
		}
		fig.poisoned[c.Class]++
		if r := ScanDefinition(c.Tool); r.Flagged {
			fig.caught[c.Class]++
		} else {
			fig.misses = append(fig.misses, fmt.Sprintf("%s (%s, score %.1f)", c.ID, c.Class, r.Score))
		}
	}
	for _, c := range loadReal(t) {
		if c.Split != split {
			continue
		}
		fig.real++
		fig.servers[c.Server] = true
		r := ScanDefinition(c.Tool)
		if !r.Flagged {
			continue
		}
		fig.flagged++
		classes := map[ScanClass]bool{}
		for _, f := range r.Findings {
			classes[f.Class] = true
		}
		for cl := range classes {
			fig.flaggedBy[cl]++
		}
		fig.falseAlarms = append(fig.falseAlarms, fmt.Sprintf("%s/%s: %s", c.Server, r.Tool, strings.Join(r.Sentences(), " ")))
	}
	return fig
}

func (f corpusFigures) recall() float64 {
	n, c := 0, 0
	for k, v := range f.poisoned {
		n += v
		c += f.caught[k]
	}
	return float64(c) / float64(max(n, 1))
}

func (f corpusFigures) fpRate() float64 { return float64(f.flagged) / float64(max(f.real, 1)) }

func (f corpusFigures) table(split string) string {
	var b strings.Builder
	n := 0
	for _, v := range f.poisoned {
		n += v
	}
	fmt.Fprintf(&b, "scanner figures, %s split: %d poisoned tools, %d real tools of %d servers\n", split, n, f.real, len(f.servers))
	fmt.Fprintf(&b, "  %-14s %8s %9s\n", "poisoned class", "recall", "caught")
	classes := make([]string, 0, len(f.poisoned))
	for k := range f.poisoned {
		classes = append(classes, k)
	}
	slices.Sort(classes)
	for _, k := range classes {
		fmt.Fprintf(&b, "  %-14s %7.1f%% %4d/%-4d\n", k, 100*float64(f.caught[k])/float64(f.poisoned[k]), f.caught[k], f.poisoned[k])
	}
	fmt.Fprintf(&b, "  %-14s %7.1f%%\n", "all", 100*f.recall())
	fmt.Fprintf(&b, "  %-16s %8s %9s\n", "false positives", "rate", "flagged")
	for _, cl := range []ScanClass{ClassInstruction, ClassConcealment, ClassShadowing, ClassEscape, ClassPadding, ClassObfuscation, ClassExfiltration, ClassHarmful, ClassHiddenField} {
		fmt.Fprintf(&b, "  %-16s %7.2f%% %4d/%-4d\n", cl, 100*float64(f.flaggedBy[cl])/float64(max(f.real, 1)), f.flaggedBy[cl], f.real)
	}
	fmt.Fprintf(&b, "  %-16s %7.2f%% %4d/%-4d\n", "any", 100*f.fpRate(), f.flagged, f.real)
	return b.String()
}

// TestScanCorpus measures the scanner on both splits and prints the figures (run with -v;
// scripts/bench.sh prints them too). The held-out figures are asserted as floors: the
// targets of issue #24 are recall ≥ 90 % and false positives ≤ 1 %.
func TestScanCorpus(t *testing.T) {
	tune, held := measure(t, "tune"), measure(t, "heldout")
	out := tune.table("tune") + held.table("held-out")
	t.Log("\n" + out)
	if os.Getenv("MCPTRAY_SCAN_FIGURES") != "" {
		fmt.Print(out)
	}
	for _, m := range tune.misses {
		t.Logf("tune miss: %s", m)
	}
	for _, m := range tune.falseAlarms {
		t.Logf("tune false alarm: %s", m)
	}
	if len(held.servers) < 10 || len(tune.servers)+len(held.servers) < 20 {
		t.Errorf("the real split has %d tune and %d held-out servers, want at least 20 in all and 10 held out", len(tune.servers), len(held.servers))
	}
	const minRecall, maxFP = 0.90, 0.01
	if r := held.recall(); r < minRecall {
		t.Errorf("held-out recall %.3f is below %.2f", r, minRecall)
	}
	if fp := held.fpRate(); fp > maxFP {
		t.Errorf("held-out false positive rate %.4f is above %.2f", fp, maxFP)
	}
}
