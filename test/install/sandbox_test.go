package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

// confinedPid checks that pid runs confined, in a mount namespace of its own where MCP
// Tray's home and socket are hidden.
func confinedPid(t *testing.T, name string, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("%s has no process", name)
	}
	// The pid is the sandbox helper's until it has confined itself and exec'd the server.
	var status []byte
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var err error
		if status, err = os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status"); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(status), "NoNewPrivs:\t1") || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(string(status), "NoNewPrivs:\t1") {
		t.Errorf("%s (pid %d) does not run confined", name, pid)
	}
	ns, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/mnt")
	own, _ := os.Readlink("/proc/self/ns/mnt")
	if ns == own {
		t.Errorf("%s (pid %d) shares MCP Tray's mount namespace", name, pid)
	}
}

// callTool calls a tool through `mcptray connect` with the official TypeScript SDK client and
// returns the result's text and whether it is an error.
func callTool(t *testing.T, u *testbin.User, server, tool string, args any) (string, bool) {
	t.Helper()
	b, _ := json.Marshal(args)
	out, _ := testbin.NodeClient(t, u.Env, "call", tool, string(b), "--", u.Bin, "connect", server)
	var res struct {
		Result struct {
			IsError bool `json:"isError"`
			Content []struct{ Text string }
		}
		Error *struct{ Message string }
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node client printed %q: %v", out, err)
	}
	if res.Error != nil {
		return res.Error.Message, true
	}
	var text []string
	for _, c := range res.Result.Content {
		text = append(text, c.Text)
	}
	return strings.Join(text, "\n"), res.Result.IsError
}

// TestFilesystemServerRunsConfinedToItsFolder installs the real filesystem server from the
// catalog: it is confined to the folder the person gave it, without network, and works
// there — reads, writes — through mcptray connect; outside that folder the sandbox refuses
// even what the server itself would do, and its log says so in one line.
func TestFilesystemServerRunsConfinedToItsFolder(t *testing.T) {
	testbin.NeedNpx(t)
	testbin.NeedSandbox(t)
	u := newUser(t, "off", testbin.NpmCache())
	docs := filepath.Join(u.Dir, "Documents", "notes")
	os.MkdirAll(docs, 0o700)
	os.WriteFile(filepath.Join(docs, "hello.txt"), []byte("hello from the notes folder"), 0o600)
	key := filepath.Join(u.Dir, ".ssh", "id_rsa")
	os.MkdirAll(filepath.Dir(key), 0o700)
	os.WriteFile(key, []byte("PRIVATE KEY"), 0o600)
	out, errs, code := u.RunInput("", "install", "filesystem", "--set", "allowed_directory="+docs)
	if code != 0 {
		t.Fatalf("install filesystem: exit %d\n%s%s", code, out, errs)
	}
	var cfg struct {
		Servers map[string]struct{ Sandbox json.RawMessage }
	}
	b, _ := os.ReadFile(filepath.Join(u.Home, "config.json"))
	json.Unmarshal(b, &cfg)
	if got, want := string(cfg.Servers["filesystem"].Sandbox), `{"network":false,"write":[`+strconv.Quote(docs)+`]}`; compactJSON(got) != want {
		t.Errorf("config.json sandbox = %s, want %s", got, want)
	}
	st := u.WaitSpare("filesystem")
	confinedPid(t, "filesystem", st.Pid)

	if text, isErr := callTool(t, u, "filesystem", "read_text_file", map[string]string{"path": filepath.Join(docs, "hello.txt")}); isErr || !strings.Contains(text, "hello from the notes folder") {
		t.Errorf("read_text_file in its folder: %q (error %v)", text, isErr)
	}
	allow(t, u, "filesystem", "write_file")
	if text, isErr := callTool(t, u, "filesystem", "write_file", map[string]string{"path": filepath.Join(docs, "hello.txt"), "content": "written confined"}); isErr {
		t.Errorf("write_file in its folder: %q", text)
	}
	if b, err := os.ReadFile(filepath.Join(docs, "hello.txt")); err != nil || string(b) != "written confined" {
		t.Errorf("the file the server wrote: %q, %v", b, err)
	}
	// The TypeScript client offers the server the root /tmp, where this test's home lives, so
	// the server itself now believes ~/.ssh/id_rsa is fair game: only its sandbox says no. The
	// server asks for the roots once the session is open and may take the call before it has
	// them, refusing it itself: that is tried again (each call is a new session).
	text, isErr := callTool(t, u, "filesystem", "read_text_file", map[string]string{"path": key})
	for try := 1; try < 5 && strings.Contains(text, "path outside allowed directories"); try++ {
		text, isErr = callTool(t, u, "filesystem", "read_text_file", map[string]string{"path": key})
	}
	if !isErr || strings.Contains(text, "PRIVATE KEY") {
		t.Errorf("read ~/.ssh/id_rsa: %q (error %v)", text, isErr)
	} else if !strings.Contains(text, "EACCES") {
		t.Errorf("read ~/.ssh/id_rsa was refused by the server (%q), not by its sandbox: the test proves nothing", text)
	}
	if text, isErr := callTool(t, u, "filesystem", "write_file", map[string]string{"path": filepath.Join(u.Dir, "planted.txt"), "content": "x"}); !isErr {
		t.Errorf("write outside its folder: %q", text)
	}
	if _, err := os.Stat(filepath.Join(u.Dir, "planted.txt")); err == nil {
		t.Error("the server planted a file in the home folder")
	}
	out, _, _ = u.RunInput("", "server", "sandbox", "filesystem")
	if want := "filesystem can read and change files in Documents/notes; cannot use the internet."; !strings.Contains(out, want) {
		t.Errorf("server sandbox says %q, want %q", out, want)
	}
	// The server reported the refusal only in its answer ("EACCES: permission denied, open
	// '…/.ssh/id_rsa'"), not on its error output: MCP Tray reads the answer and says it in the
	// server's log, once.
	const refused = "~/.ssh/id_rsa: not allowed by its sandbox"
	var logs string
	u.Eventually("the log says the sandbox refused ~/.ssh/id_rsa", func() bool {
		logs, _, _ = u.RunInput("", "logs", "filesystem")
		return strings.Contains(logs, refused)
	})
	if strings.Count(logs, refused) != 1 || !strings.Contains(logs, "tried to open "+refused) {
		t.Errorf("the server's log does not say once %q:\n%s", "tried to open "+refused, logs)
	}
	if want := "confined: can read and change files in Documents/notes; cannot use the internet"; strings.Count(logs, want) != 1 {
		t.Errorf("the server's log does not say once %q:\n%s", want, logs)
	}
}

// allow lets tool run without asking, as the person would from their terminal.
func allow(t *testing.T, u *testbin.User, server, tool string) {
	t.Helper()
	if out, errs, code := u.RunInput("", "policy", "set", server, tool, "allow"); code != 0 {
		t.Fatalf("policy set %s %s allow: exit %d\n%s%s", server, tool, code, out, errs)
	}
}

func compactJSON(s string) string {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TestEverythingAndMemoryRunConfined installs the real everything and memory servers from
// the built-in catalog: they run confined without network (their packages fetched into their
// own caches first) and answer through mcptray connect; memory keeps what it is told in its
// own folder.
func TestEverythingAndMemoryRunConfined(t *testing.T) {
	testbin.NeedNpx(t)
	testbin.NeedSandbox(t)
	u := newUser(t, "off", testbin.NpmCache())
	for _, id := range []string{"everything", "memory"} {
		if out, errs, code := u.RunInput("", "install", id); code != 0 {
			t.Fatalf("install %s: exit %d\n%s%s", id, code, out, errs)
		}
		confinedPid(t, id, u.WaitSpare(id).Pid)
	}
	tools := tsListTools(t, u, "everything")
	if !slices.Contains(tools, "echo") {
		t.Errorf("everything's tools through mcptray connect: %v", tools)
	}
	if text, isErr := callTool(t, u, "everything", "echo", map[string]string{"message": "confined hello"}); isErr || !strings.Contains(text, "confined hello") {
		t.Errorf("everything's echo: %q (error %v)", text, isErr)
	}
	allow(t, u, "memory", "create_entities")
	if text, isErr := callTool(t, u, "memory", "create_entities", map[string]any{"entities": []map[string]any{
		{"name": "Ada", "entityType": "person", "observations": []string{"likes sandboxes"}}}}); isErr {
		t.Errorf("memory's create_entities: %q", text)
	}
	if hits := filesContaining(t, filepath.Join(u.Home, "state", "memory"), "likes sandboxes"); len(hits) == 0 {
		t.Errorf("memory did not keep what it was told in its own folder")
	}
}

// TestFilesystemServerGivenTheHomeDoesNotGetTheKeys installs the real filesystem server with
// the whole home folder as its folder, a choice people make: it reads and changes the
// person's files there, and the keys in the home (~/.ssh, a git credential file) are not
// there for it, whatever the server itself would allow; the sandbox's sentence says so.
// (Writes into a key folder are tried in sandbox's TestKeysInAGrantedHomeStayHidden: this
// server refuses them itself here, the client's root being /tmp.)
func TestFilesystemServerGivenTheHomeDoesNotGetTheKeys(t *testing.T) {
	testbin.NeedNpx(t)
	testbin.NeedSandbox(t)
	u := newUser(t, "off", testbin.NpmCache())
	doc := filepath.Join(u.Dir, "Documents", "letter.txt")
	os.MkdirAll(filepath.Dir(doc), 0o700)
	os.WriteFile(doc, []byte("dear reader"), 0o600)
	key := filepath.Join(u.Dir, ".ssh", "id_rsa")
	os.MkdirAll(filepath.Dir(key), 0o700)
	os.WriteFile(key, []byte("PRIVATE KEY"), 0o600)
	creds := filepath.Join(u.Dir, ".git-credentials")
	os.WriteFile(creds, []byte("https://ada:ghp_TOKEN@github.com"), 0o600)
	out, errs, code := u.RunInput("", "install", "filesystem", "--set", "allowed_directory="+u.Dir)
	if code != 0 {
		t.Fatalf("install filesystem: exit %d\n%s%s", code, out, errs)
	}
	confinedPid(t, "filesystem", u.WaitSpare("filesystem").Pid)
	if text, isErr := callTool(t, u, "filesystem", "read_text_file", map[string]string{"path": doc}); isErr || !strings.Contains(text, "dear reader") {
		t.Errorf("read_text_file of a document in the home: %q (error %v)", text, isErr)
	}
	for _, p := range []string{key, creds} {
		text, isErr := callTool(t, u, "filesystem", "read_text_file", map[string]string{"path": p})
		for try := 1; try < 5 && strings.Contains(text, "path outside allowed directories"); try++ {
			text, isErr = callTool(t, u, "filesystem", "read_text_file", map[string]string{"path": p})
		}
		if !isErr || strings.Contains(text, "PRIVATE KEY") || strings.Contains(text, "ghp_TOKEN") {
			t.Errorf("read %s: %q (error %v)", p, text, isErr)
		}
	}
	allow(t, u, "filesystem", "write_file")
	if text, isErr := callTool(t, u, "filesystem", "write_file", map[string]string{"path": doc, "content": "changed"}); isErr {
		t.Errorf("write_file of a document in the home: %q", text)
	}
	if b, _ := os.ReadFile(doc); string(b) != "changed" {
		t.Errorf("the document the server wrote: %q", b)
	}
	out, _, _ = u.RunInput("", "server", "sandbox", "filesystem")
	if want := "filesystem can read and change files in your home folder; cannot see the keys, passwords and browser data in them; cannot use the internet."; !strings.Contains(out, want) {
		t.Errorf("server sandbox says %q, want %q", out, want)
	}
}
