package installer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mcptray/mcptray/bundle"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/internal/prose"
)

// Claude extension bundles (.mcpb) are installed like catalog servers, from a file instead of
// a catalog entry: Request.ID is bundle.ID of the file, which names its sha256, so what is
// installed is exactly the file the person was shown. The bundle is unpacked into MCP Tray's
// folder (servers/NAME/VERSION, read-only, checked before every start like a frozen install)
// and its server started from there. See docs/bundles.md.

// runtimeProbeTimeout bounds asking node or python for its version.
const runtimeProbeTimeout = 10 * time.Second

// checkRequest checks what req names: a bundle file (checkBundle), a registry entry whose
// package is a bundle (downloaded, then checkBundle), or a catalog entry (check).
func (j *job) checkRequest(ctx context.Context) error {
	if _, _, ok := bundle.ParseID(j.req.ID); ok {
		return j.checkBundle(ctx)
	}
	if e, err := j.in.Source.Lookup(ctx, j.req.ID); err == nil {
		if ref, ok, err := catalog.BundleOf(e); ok {
			if err != nil {
				return failf("%s cannot be installed: %s", shownTitle(e), answerSentence(err))
			}
			j.say(StepDownloading, "Downloading the bundle of %s.", shownTitle(e))
			file, err := FetchBundle(ctx, j.in.Source.Home, ref, j.in.Source.HTTPClient)
			if err != nil {
				return err
			}
			j.req.ID = bundle.IDPrefix + "sha256:" + ref.SHA256 + ":" + file
			return j.checkBundle(ctx)
		}
	}
	return j.check(ctx)
}

// requestName is how progress lines name what id installs: a bundle by its file.
func requestName(id string) string {
	if _, file, ok := bundle.ParseID(id); ok {
		return display.Line(file)
	}
	return display.Line(id)
}

// OpenBundle opens the bundle file that id names and checks that it still holds the bytes id
// pins; it returns nil, nil when id does not name a bundle.
func OpenBundle(id string) (*bundle.Bundle, error) {
	sha, file, ok := bundle.ParseID(id)
	if !ok {
		return nil, nil
	}
	if err := checkRegular(file); err != nil {
		return nil, err
	}
	b, err := bundle.Open(file)
	if err != nil {
		if errors.Is(err, bundle.ErrRefused) {
			return nil, failure{prose.Sentence(err)}
		}
		return nil, failf("The bundle %s could not be read (%v).", file, rootCause(err))
	}
	if b.SHA256 != sha {
		return nil, failf("The bundle %s changed since you looked at it, so nothing was installed; look at it again.", file)
	}
	return b, nil
}

func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// BundleDir is where a bundle installed as the server name is unpacked.
func BundleDir(home config.Home, name string, b *bundle.Bundle) string {
	return HomeStore(home).Dir(name, b.Manifest.Version)
}

// PlanBundle is the plan for installing b as the server name with answers, on this computer.
func PlanBundle(home config.Home, name string, b *bundle.Bundle, answers map[string]string) (catalog.InstallPlan, error) {
	places, err := userPlaces()
	if err != nil {
		return catalog.InstallPlan{}, err
	}
	p, err := b.Plan(answers, BundleDir(home, name, b), runtime.GOOS, places)
	if err != nil {
		return catalog.InstallPlan{}, failure{prose.Sentence(err)}
	}
	p.Name = name
	return p, nil
}

// BundleQuestions are b's settings, with defaults filled in for this person.
func BundleQuestions(b *bundle.Bundle) []catalog.Question {
	places, _ := userPlaces()
	return b.Questions(places)
}

func userPlaces() (bundle.Places, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return bundle.Places{}, fmt.Errorf("finding your home folder: %w", err)
	}
	return bundle.PlacesOf(home), nil
}

// CheckBundleRuntime refuses a bundle made for another platform or for a version of Node.js
// or Python this computer does not have (asking node or python for its version). It blocks
// for at most a few seconds.
func CheckBundleRuntime(ctx context.Context, b *bundle.Bundle) error {
	versions := map[string]string{}
	switch b.Manifest.NeedsRuntime() {
	case "node":
		versions["node"] = probeVersion(ctx, "node")
	case "python":
		for _, py := range []string{"python3", "python"} {
			if v := probeVersion(ctx, py); v != "" {
				versions["python"] = v
				break
			}
		}
	}
	if err := b.Manifest.CheckCompatibility(runtime.GOOS, versions); err != nil {
		return failure{prose.Sentence(err)}
	}
	return nil
}

// probeVersion is what `cmd --version` prints, "" when cmd is not there or fails.
func probeVersion(ctx context.Context, cmd string) string {
	path, err := exec.LookPath(cmd)
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, runtimeProbeTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

// checkBundle is check for a bundle file: it opens and re-checks the file, plans the install
// and checks the name, the clients and the program that starts it. It changes nothing.
func (j *job) checkBundle(ctx context.Context) error {
	b, err := OpenBundle(j.req.ID)
	if err != nil {
		return err
	}
	if j.in.Store == nil {
		return failf("This MCP Tray has no folder for installed servers, so it cannot install bundles.")
	}
	if err := CheckBundleRuntime(ctx, b); err != nil {
		return err
	}
	e := b.Entry()
	j.entry, j.bundle = e, b
	if j.name == "" {
		j.name = catalog.SuggestedName(e)
	}
	if err := config.CheckName(j.name); err != nil {
		return failf("%s.", err)
	}
	p, err := PlanBundle(j.in.Source.Home, j.name, b, j.req.Values)
	if err != nil {
		return err
	}
	j.plan = p
	if j.req.Plan != "" && j.req.Plan != PlanDigest(e, p) {
		return failf("What %s would run changed since you looked at it, so nothing was installed; look at it again.", shownTitle(e))
	}
	hs := bundleHazards(e, p, BundleDir(j.in.Source.Home, j.name, b))
	if err := refuseHazards(e.Title(), hs, j.req.Allow); err != nil {
		return err
	}
	j.req.Allow = catalog.HazardKeys(hs)
	if err := checkClients(j.req.Clients); err != nil {
		return err
	}
	cfg, err := j.in.Source.Home.Load()
	if err != nil {
		return fmt.Errorf("config.json has a problem, so nothing was installed: %w", err)
	}
	if _, taken := cfg.Servers[j.name]; taken {
		return nameTaken(j.name)
	}
	if !strings.ContainsAny(p.Command, `/\`) {
		resolve := j.in.Resolve
		if resolve == nil {
			resolve = defaultResolve
		}
		if resolve(p.Command) != nil {
			return failf("%s needs the program %s, which was not found on this computer; install it and try again.", shownTitle(e), display.Line(p.Command))
		}
	}
	if len(p.Secrets) > 0 && j.in.Keys == nil {
		return failf("%s needs secrets, but MCP Tray has no system keychain to keep them in.", shownTitle(e))
	}
	return nil
}

// BundleHazards are the hazards of installing b as the server name with plan p, as
// PlanHazards says for catalog entries, less a code-path variable that points only into the
// bundle's own folder: PYTHONPATH=${__dirname}/server/lib is how a Python bundle finds its
// own code, and that folder is read-only and checked before every start.
func BundleHazards(home config.Home, name string, b *bundle.Bundle, p catalog.InstallPlan) []HazardView {
	return HazardViews(bundleHazards(b.Entry(), p, BundleDir(home, name, b)))
}

func bundleHazards(e catalog.Entry, p catalog.InstallPlan, dir string) []catalog.Hazard {
	var out []catalog.Hazard
	for _, h := range hazardsOf(e, p) {
		if v, ok := strings.CutPrefix(h.Key, "env:"); ok && (v == "PYTHONPATH" || v == "NODE_PATH") && insideAll(p.Env[v], dir) {
			continue
		}
		out = append(out, h)
	}
	return out
}

// insideAll reports whether every entry of the path list is dir or inside it.
func insideAll(list, dir string) bool {
	if list == "" {
		return false
	}
	for _, p := range filepath.SplitList(list) {
		rel, err := filepath.Rel(dir, filepath.Clean(p))
		if !filepath.IsAbs(p) || err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return false
		}
	}
	return true
}

// unpackBundle unpacks the bundle into MCP Tray's folder and notes the command line the
// server is saved with; undo (unfreeze) removes what it unpacked.
func (j *job) unpackBundle() error {
	if j.bundle == nil {
		return nil
	}
	b, st := j.bundle, j.in.Store
	dir := st.Dir(j.name, b.Manifest.Version)
	j.changed = true
	u, err := b.Unpack(dir)
	if errors.Is(err, bundle.ErrExists) {
		// Left over from an install that was not undone: nothing runs it; unpack afresh.
		if err = st.Remove(j.name, b.Manifest.Version); err == nil {
			u, err = b.Unpack(dir)
		}
	}
	if err != nil {
		if errors.Is(err, bundle.ErrRefused) {
			return failure{prose.Sentence(err)}
		}
		return fmt.Errorf("%s could not be unpacked: %w", shownTitle(j.entry), err)
	}
	j.frozen = &config.Frozen{Registry: bundle.RegistryType, Package: b.Manifest.Name, Version: b.Manifest.Version,
		Dir: u.Dir, Lock: "sha256:" + b.SHA256, Tree: u.Tree}
	j.command, j.args = j.plan.Command, j.plan.Args
	return nil
}

// OriginBundle is the Origin of an EntryView and a PlanView that come from a bundle file the
// person opened (a registry entry's bundle keeps "registry").
const OriginBundle = "bundle"

// BundleParams names the bundle file "bundle.open" describes: an absolute path.
type BundleParams struct {
	File string `json:"file"`
}

// BundleView is what a person sees of a bundle file before answering anything. Entry.ID is
// the bundle's id (bundle.ID: it pins the file's sha256), which "catalog.plan" and "install"
// take; Entry.Questions are BundleQuestions.
type BundleView struct {
	Entry EntryView `json:"entry"`
	// Server is the name it installs as when the person gives none.
	Server string `json:"server"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Author is who made the bundle as its manifest says (not verified; Signature is).
	Author string `json:"author,omitempty"`
	// Signature says who signed the file; SignatureSentence is its one line for people.
	Signature         bundle.Signature `json:"signature"`
	SignatureSentence string           `json:"signature_sentence"`
	// Problem is the sentence saying why this computer cannot run the bundle (another
	// platform, a missing or old Node.js or Python); "" when it can.
	Problem string `json:"problem,omitempty"`
}

// DescribeBundle opens and checks the bundle at file (an absolute path) and says what it is.
// A file that is not a bundle MCP Tray accepts is an error with one sentence; a bundle this
// computer cannot run is not (Problem says why). It blocks for the read and for at most a few
// seconds asking node or python for its version.
func DescribeBundle(ctx context.Context, file string) (BundleView, error) {
	if !filepath.IsAbs(file) {
		return BundleView{}, failf("MCP Tray needs the full path of the bundle file, not %s.", file)
	}
	if err := checkRegular(file); err != nil {
		return BundleView{}, err
	}
	b, err := bundle.Open(file)
	if err != nil {
		if errors.Is(err, bundle.ErrRefused) {
			return BundleView{}, failure{prose.Sentence(err)}
		}
		return BundleView{}, failf("The bundle %s could not be read (%v).", file, rootCause(err))
	}
	e := b.Entry()
	v := BundleView{
		Server: catalog.SuggestedName(e), SHA256: b.SHA256, Size: b.Size, Author: b.Manifest.Author.Name,
		Signature: b.Signature, SignatureSentence: b.Signature.Sentence(),
		Entry: EntryView{
			ID: b.ID(file), Name: e.Server.Name, Title: e.Title(), Description: e.Summary(), About: b.Manifest.Description,
			Runtime: b.Manifest.NeedsRuntime(), Version: e.Version(), SourceURL: e.Source(), InstalledAs: []string{},
			Origin: OriginBundle, Questions: []QuestionView{},
		},
	}
	for _, q := range BundleQuestions(b) {
		v.Entry.Questions = append(v.Entry.Questions, QuestionView{
			Key: q.Key, Title: q.Label, Description: q.Description, Secret: q.Secret, Required: q.Required,
			Default: q.Default, Choices: nonNil(q.Choices), Format: q.Format, Repeated: q.Repeated,
			Placeholder: q.Placeholder, Kind: q.Kind,
		})
	}
	if err := CheckBundleRuntime(ctx, b); err != nil {
		v.Problem = prose.Sentence(err)
		v.Entry.RuntimeMissing = v.Problem
	}
	return v, nil
}

// checkRegular refuses a path that is not a regular file before it is opened: opening a
// named pipe would block until something writes to it.
func checkRegular(file string) error {
	info, err := os.Stat(file)
	if errors.Is(err, os.ErrNotExist) {
		return failf("There is no file %s.", file)
	}
	if err != nil {
		return failf("The bundle %s could not be read (%v).", file, rootCause(err))
	}
	if !info.Mode().IsRegular() {
		return failf("%s is not a file, so it is not a bundle.", file)
	}
	return nil
}

// planBundle is Plan for the bundle file id names, with the hazards and digest checkBundle
// checks the install against.
func (in *Installer) planBundle(ctx context.Context, id string, p PlanParams) (PlanView, error) {
	b, err := OpenBundle(id)
	if err != nil {
		return PlanView{}, err
	}
	if err := CheckBundleRuntime(ctx, b); err != nil {
		return PlanView{}, err
	}
	e := b.Entry()
	name := p.Name
	if name == "" {
		name = catalog.SuggestedName(e)
	}
	if err := config.CheckName(name); err != nil {
		return PlanView{}, failf("%s.", err)
	}
	plan, err := PlanBundle(in.Source.Home, name, b, p.Values)
	if err != nil {
		return PlanView{}, err
	}
	v := planView(e, plan, name)
	v.Hazards = BundleHazards(in.Source.Home, name, b, plan)
	v.Frozen, v.Pinned = in.Store != nil, false
	return v, nil
}
