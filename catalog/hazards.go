package catalog

import (
	"net/netip"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Hazard is one flag, environment variable or command in an install plan that can take over
// the runtime, fetch the package from somewhere else, or reach beyond the server's own
// files. The installer refuses a plan with a hazard unless the person allowed its Key.
type Hazard struct {
	// Key names the hazard for consent: "env:NODE_OPTIONS", "arg:--registry", "command:sh".
	// Aliases share one key ("-v" and "--volume" are both "arg:--volume").
	Key string `json:"key"`
	// Item is the hazard as written in the plan, e.g. "--registry=https://npm.example". It
	// never holds a secret: secret variables are named, never valued.
	Item string `json:"item"`
	// Reason is one plain sentence saying why it is dangerous.
	Reason string `json:"reason"`
}

// envRule is a dangerous environment variable: an exact name, or a prefix ending in "*".
// Names compare in upper case, as Windows does (npm reads npm_config_* in any case).
type envRule struct {
	name, reason string
}

// envHazards are the variables that make a runtime load other code or fetch packages from
// elsewhere. Keep the reasons to one plain sentence.
var envHazards = []envRule{
	{"LD_*", "It makes every program the server starts load extra code first."},
	{"DYLD_*", "It makes every program the server starts load extra code first."},
	{"NODE_OPTIONS", "It makes Node.js load extra code or change how it runs."},
	{"NODE_PATH", "It makes Node.js look for code in other folders."},
	{"NODE_EXTRA_CA_CERTS", "It makes Node.js trust other certificates, so downloads can be swapped."},
	{"NODE_TLS_REJECT_UNAUTHORIZED", "It can turn off Node.js's check that downloads come from who they claim."},
	{"NPM_CONFIG_*", "It changes where npm fetches packages from or how it installs them."},
	{"PYTHONPATH", "It makes Python look for code in other folders."},
	{"PYTHONSTARTUP", "It makes Python run a file of extra code."},
	{"PYTHONHOME", "It makes Python use another installation."},
	{"PYTHONUSERBASE", "It makes Python look for code in other folders."},
	{"PIP_*", "It changes where Python packages are fetched from."},
	{"UV_*", "It changes where uv fetches Python and packages from."},
	{"PATH", "It changes which programs are found, so another program can stand in for the real one."},
	{"DOCKER_HOST", "It sends Docker's commands to another machine or Docker service."},
	{"DOCKER_CONFIG", "It makes Docker use other settings and credentials."},
	{"DOCKER_CONTEXT", "It sends Docker's commands to another machine or Docker service."},
	{"BASH_ENV", "It makes every shell script the server runs load extra code."},
	{"PERL5OPT", "It makes Perl load extra code."},
	{"RUBYOPT", "It makes Ruby load extra code."},
	{"JAVA_TOOL_OPTIONS", "It makes Java load extra code."},
	{"_JAVA_OPTIONS", "It makes Java load extra code."},
	{"SSL_CERT_FILE", "It makes programs trust other certificates, so downloads can be swapped."},
	{"SSL_CERT_DIR", "It makes programs trust other certificates, so downloads can be swapped."},
	{"REQUESTS_CA_BUNDLE", "It makes Python trust other certificates, so downloads can be swapped."},
	{"CURL_CA_BUNDLE", "It makes programs trust other certificates, so downloads can be swapped."},
	{"HTTP_PROXY", "It sends the server's internet traffic through another computer first."},
	{"HTTPS_PROXY", "It sends the server's internet traffic through another computer first."},
	{"ALL_PROXY", "It sends the server's internet traffic through another computer first."},
	{"GIT_*", "It makes git run other programs or use other settings when the server or its installer uses it."},
	{"GCONV_PATH", "It makes every program the server starts load extra code."},
	{"PERL5LIB", "It makes Perl look for code in other folders."},
	{"RUBYLIB", "It makes Ruby look for code in other folders."},
	{"NODE_REPL_EXTERNAL_MODULE", "It makes Node.js load extra code."},
}

// flagRule is a dangerous option of a runtime. names[0] is the key; value says the option
// takes a value (as "--flag=value" or "--flag value"); when, if set, decides from the value
// whether this use is dangerous.
type flagRule struct {
	runtime Runtime
	names   []string
	value   bool
	when    func(value, spec string) bool
	reason  string
}

// npmSwitches are the npm options in flagHazards that are switches: npm takes the next
// argument as the value only when it is "true" or "false" ("--strict-ssl false").
var npmSwitches = []string{"--strict-ssl"}

// flagHazards are the runtime options that fetch the package from somewhere else, run other
// code, or give a container the computer.
var flagHazards = []flagRule{
	// npx
	{RuntimeNPX, []string{"--registry"}, true, nil, "It fetches the package from another npm registry than the one the entry names."},
	{RuntimeNPX, []string{"--userconfig", "--globalconfig"}, true, nil, "It makes npm read its settings from another file, which can change where packages come from."},
	{RuntimeNPX, []string{"--package", "-p"}, true, otherPackage, "It adds another package to the one the entry names."},
	{RuntimeNPX, []string{"--call", "-c"}, true, nil, "It runs a shell command instead of just the package."},
	{RuntimeNPX, []string{"--node-options"}, true, nil, "It makes Node.js load extra code or change how it runs."},
	{RuntimeNPX, []string{"--script-shell"}, true, nil, "It makes npm run package scripts with another program."},
	{RuntimeNPX, []string{"--prefix"}, true, nil, "It makes npm use packages from another folder."},
	{RuntimeNPX, []string{"--strict-ssl"}, true, isFalse, "It turns off npm's check that downloads come from who they claim, so they can be swapped."},
	{RuntimeNPX, []string{"--cafile", "--ca"}, true, nil, "It makes npm trust other certificates, so downloads can be swapped."},
	{RuntimeNPX, []string{"--git"}, true, nil, "It makes npm run another program in place of git."},
	{RuntimeNPX, []string{"--node-gyp"}, true, nil, "It makes npm run another program to build packages."},
	// uvx
	{RuntimeUVX, []string{"--index-url", "-i"}, true, nil, "It fetches the package from another Python package index than pypi.org."},
	{RuntimeUVX, []string{"--extra-index-url"}, true, nil, "It lets packages come from another Python package index besides pypi.org."},
	{RuntimeUVX, []string{"--index", "--default-index"}, true, nil, "It fetches packages from another Python package index than pypi.org."},
	{RuntimeUVX, []string{"--find-links", "-f"}, true, nil, "It lets packages come from another web address or folder."},
	{RuntimeUVX, []string{"--with"}, true, nil, "It installs another package next to the one the entry names."},
	{RuntimeUVX, []string{"--with-requirements", "--with-editable"}, true, nil, "It installs other packages next to the one the entry names."},
	{RuntimeUVX, []string{"--from"}, true, otherPackage, "It runs another package than the one the entry names."},
	{RuntimeUVX, []string{"--python", "-p"}, true, isPathLike, "It runs the server with a Python program from another place."},
	{RuntimeUVX, []string{"--env-file"}, true, nil, "It loads environment settings from a file, which can make Python load extra code."},
	{RuntimeUVX, []string{"--allow-insecure-host"}, true, nil, "It turns off the check that downloads come from who they claim."},
	{RuntimeUVX, []string{"--index-strategy"}, true, nil, "It lets packages come from any index, not just the first."},
	{RuntimeUVX, []string{"--config-file"}, true, nil, "It makes uv read its settings from another file, which can change where packages come from."},
	{RuntimeUVX, []string{"--overrides", "--override"}, true, nil, "It can make uv install other versions or packages than the ones the entry names."},
	{RuntimeUVX, []string{"--constraints", "--constraint", "-c", "--build-constraints", "--build-constraint", "-b"}, true, nil, "It can make uv install other versions than the ones the entry names."},
	// docker
	{RuntimeDocker, []string{"--volume", "-v"}, true, hostWide, hostWideReason},
	{RuntimeDocker, []string{"--mount"}, true, hostWide, hostWideReason},
	{RuntimeDocker, []string{"--volumes-from"}, true, nil, "It gives the container the folders of another container."},
	{RuntimeDocker, []string{"--privileged"}, false, nil, "It gives the container full control of this computer."},
	{RuntimeDocker, []string{"--cap-add"}, true, nil, "It gives the container powers normally kept from it."},
	{RuntimeDocker, []string{"--security-opt"}, true, nil, "It turns off protections that keep the container in its box."},
	{RuntimeDocker, []string{"--device"}, true, nil, "It gives the container a device of this computer."},
	{RuntimeDocker, []string{"--pid"}, true, sharesHost, "It lets the container see and control this computer's programs."},
	{RuntimeDocker, []string{"--network", "--net"}, true, sharesHost, "It puts the container on this computer's own network, past its protections."},
	{RuntimeDocker, []string{"--ipc"}, true, sharesHost, "It lets the container reach other programs' memory."},
	{RuntimeDocker, []string{"--uts"}, true, sharesHost, "It lets the container change this computer's name."},
	{RuntimeDocker, []string{"--userns"}, true, sharesHost, "It turns off the user separation that keeps the container in its box."},
	{RuntimeDocker, []string{"--cgroupns"}, true, sharesHost, "It turns off the separation that keeps the container in its box."},
	{RuntimeDocker, []string{"--entrypoint"}, true, nil, "It runs another program in the container than the image's own."},
	{RuntimeDocker, []string{"--env-file"}, true, nil, "It loads environment settings from a file MCP Tray does not show."},
	{RuntimeDocker, []string{"--user", "-u"}, true, isRoot, "It runs the container as the administrator."},
}

const hostWideReason = "It gives the container a whole disk, your home folder, MCP Tray's own folder or Docker itself."

// packageRunners fetch a package and run it: in a bundle, whose program is in the bundle,
// one runs a program that is not, whatever version its publisher puts out next. The value
// is the subcommands that make a package manager one ("" for any use of the program).
var packageRunners = map[string][]string{
	"npx": {""}, "pnpx": {""}, "bunx": {""}, "uvx": {""}, "pipx": {""}, "docker": {""}, "podman": {""},
	"npm": {"exec", "x"}, "pnpm": {"dlx", "exec"}, "yarn": {"dlx"}, "bun": {"x"}, "uv": {"tool", "x"},
	"deno": {"run", "x"},
}

const packageRunnerReason = "It downloads and runs a program that is not in the bundle, whatever version its publisher puts out next."

// runnerRuntime is the catalog runtime whose flag rules apply to a package runner a bundle
// starts.
var runnerRuntime = map[string]Runtime{"npx": RuntimeNPX, "npm": RuntimeNPX, "uvx": RuntimeUVX, "uv": RuntimeUVX, "docker": RuntimeDocker, "podman": RuntimeDocker}

// shells run whatever command text they are given; a catalog entry never needs one.
var shells = []string{"sh", "bash", "zsh", "dash", "ksh", "fish", "csh", "tcsh", "ash", "busybox",
	"cmd", "powershell", "pwsh", "env", "xargs", "osascript", "wscript", "cscript", "mshta", "rundll32"}

// interpreters run code given on their command line with one of their inline flags.
var interpreters = map[string][]string{
	"python": {"-c"}, "python3": {"-c"}, "py": {"-c"},
	"node": {"-e", "--eval", "-p", "--print", "-r", "--require", "--import"},
	"deno": {"eval"}, "bun": {"-e", "--eval", "-p", "--print"},
	"perl": {"-e", "-E"}, "ruby": {"-e"}, "php": {"-r"},
}

const shellReason = "It starts a command shell, which runs whatever it is told rather than one known program."
const interpreterReason = "It runs code written right on the command line rather than the package."

// Keys and reasons of a remote server that is not on the internet. A registry entry is
// published for everyone, so one that points at this computer or the local network reaches
// whatever program happens to listen there (a development server, a router's admin page)
// with the AI apps' requests, so the person must say yes to it. An address the person typed
// (server add --url) is theirs and is not asked about.
const (
	HazardThisComputer = "remote:this-computer"
	HazardLocalNetwork = "remote:local-network"

	thisComputerReason = "It sends your AI apps' requests to a program on this computer, not to a server on the internet."
	localNetworkReason = "It sends your AI apps' requests to a device on your local network, not to a server on the internet."
)

// Hazards finds every hazard in a plan: a remote server's address on this computer or the
// local network (by name or address, as written: where a name really leads is checked when
// MCP Tray connects), its command, the arguments the runtime itself reads
// (up to the package and the program it names; arguments after that go to the server), in
// "--flag=value" and "--flag value" forms and any case, and the names of its environment,
// secret ones included. Each key appears once, in the order found. Hazards does no I/O
// beyond looking up the home folder and is safe for concurrent use.
func Hazards(p InstallPlan) []Hazard {
	var out []Hazard
	add := func(h Hazard) {
		if !slices.ContainsFunc(out, func(o Hazard) bool { return o.Key == h.Key }) {
			out = append(out, h)
		}
	}
	rt := p.Runtime
	if rt == "" {
		rt = Runtime(programName(p.Command))
	}
	if rt == RuntimeBundle {
		// A bundle names its own program; one that starts a package runner runs something
		// else, and that runner's flags are read as the catalog's are.
		prog := programName(p.Command)
		if h, ok := runnerHazard(prog, p.Command, p.Args); ok {
			add(h)
		}
		rt = runnerRuntime[prog]
	}
	if p.Remote != nil {
		if h, ok := remoteHazard(p.Remote.URL); ok {
			add(h)
		}
	}
	if h, ok := commandHazard(p.Command, p.Args); ok {
		add(h)
	}
	launch := p.Args
	if p.launch > 0 && p.launch <= len(p.Args) {
		launch = p.Args[:p.launch]
	}
	for i := 0; i < len(launch); i++ {
		a := launch[i]
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			if rt == RuntimeNPX || rt == RuntimeUVX {
				if h, ok := commandHazard(a, launch[i+1:]); ok {
					add(h)
				}
				if a != "--" && a != "-" {
					// npx and uvx read their own options before the package or program only;
					// what follows is the program's ("uvx --from p==1 tool -c x").
					break
				}
			}
			continue
		}
		name, value, hasValue := strings.Cut(a, "=")
		r, ok := findFlag(rt, name)
		if !ok && len(name) > 2 && name[1] != '-' {
			// A short flag with its value stuck on: "-v/:/host".
			if r, ok = findFlag(rt, name[:2]); ok && r.value {
				name, value, hasValue = name[:2], a[2:], true
			}
		}
		item := a
		isSwitch := ok && slices.Contains(npmSwitches, r.names[0])
		if ok && r.value && !hasValue && i+1 < len(launch) && (!isSwitch || isBool(launch[i+1])) {
			i++
			value, item = launch[i], a+" "+launch[i]
		}
		if isSwitch && !hasValue && value == "" {
			value = "true"
		}
		if rt == RuntimeDocker && (strings.EqualFold(name, "-e") || strings.EqualFold(name, "--env")) {
			env, _, _ := strings.Cut(value, "=")
			if !ok && !hasValue && i+1 < len(launch) {
				i++
				env, _, _ = strings.Cut(launch[i], "=")
			}
			if h, found := envHazard(env); found {
				add(h)
			}
			continue
		}
		if ok && (r.when == nil || r.when(value, p.spec)) {
			add(Hazard{Key: "arg:" + r.names[0], Item: item, Reason: r.reason})
		}
	}
	names := make([]string, 0, len(p.Env)+len(p.Secrets))
	for k := range p.Env {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, s := range p.Secrets {
		if s.Env != "" {
			names = append(names, s.Env)
		}
	}
	for _, n := range names {
		if h, found := envHazard(n); found {
			add(h)
		}
	}
	return out
}

// HazardKeys lists the keys of hazards, in order.
func HazardKeys(hs []Hazard) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Key
	}
	return out
}

func findFlag(rt Runtime, name string) (flagRule, bool) {
	name = strings.ToLower(name)
	if rt == RuntimeNPX {
		switch {
		case strings.HasPrefix(name, "--@") && strings.HasSuffix(name, ":registry"):
			// A scope's registry: "--@acme:registry=URL" fetches @acme/… from there.
			name = "--registry"
		case name == "--no-strict-ssl":
			r, _ := findFlag(rt, "--strict-ssl")
			r.value, r.when = false, nil
			return r, true
		}
	}
	for _, r := range flagHazards {
		if r.runtime == rt && slices.Contains(r.names, name) {
			return r, true
		}
	}
	return flagRule{}, false
}

// envHazard names the variable only: its value may be a secret.
func envHazard(name string) (Hazard, bool) {
	up := strings.ToUpper(strings.TrimSpace(name))
	if up == "" {
		return Hazard{}, false
	}
	for _, r := range envHazards {
		prefix, wild := strings.CutSuffix(r.name, "*")
		if up == r.name || wild && strings.HasPrefix(up, prefix) {
			return Hazard{Key: "env:" + up, Item: name, Reason: r.reason}, true
		}
	}
	return Hazard{}, false
}

// commandHazard reports a shell as the program, or an interpreter given inline code.
func commandHazard(command string, args []string) (Hazard, bool) {
	prog := programName(command)
	if prog == "" {
		return Hazard{}, false
	}
	if slices.Contains(shells, prog) {
		return Hazard{Key: "command:" + prog, Item: command, Reason: shellReason}, true
	}
	base := versionSuffixRE.ReplaceAllString(prog, "")
	if flags, ok := interpreters[base]; ok {
		for _, a := range args {
			f, _, _ := strings.Cut(a, "=")
			if slices.Contains(flags, f) || (len(f) > 2 && f[1] != '-' && slices.Contains(flags, f[:2])) {
				return Hazard{Key: "command:" + base, Item: command + " " + a, Reason: interpreterReason}, true
			}
		}
	}
	return Hazard{}, false
}

var versionSuffixRE = regexp.MustCompile(`[0-9.]+$`)

// programName is a command's file name in lower case, without folder or Windows extension.
func programName(command string) string {
	c := strings.ToLower(strings.TrimSpace(command))
	if i := strings.LastIndexAny(c, `/\`); i >= 0 {
		c = c[i+1:]
	}
	for _, ext := range []string{".exe", ".cmd", ".bat", ".ps1", ".com"} {
		c = strings.TrimSuffix(c, ext)
	}
	return c
}

// runnerHazard reports a package runner as a bundle's program (prog is the program's name):
// npx, uvx, docker and the like, or a package manager's subcommand that fetches and runs a
// package (npm exec, uv tool run, deno run of an address).
func runnerHazard(prog, command string, args []string) (Hazard, bool) {
	subs, ok := packageRunners[prog]
	if !ok {
		return Hazard{}, false
	}
	first := ""
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			first = strings.ToLower(a)
			break
		}
	}
	if !slices.Contains(subs, "") && !slices.Contains(subs, first) {
		return Hazard{}, false
	}
	if prog == "deno" && !slices.ContainsFunc(args, func(a string) bool {
		a = strings.ToLower(a)
		return strings.HasPrefix(a, "https:") || strings.HasPrefix(a, "http:") || strings.HasPrefix(a, "npm:") || strings.HasPrefix(a, "jsr:")
	}) {
		return Hazard{}, false
	}
	item := command
	if first != "" && !slices.Contains(subs, "") {
		item += " " + first
	}
	return Hazard{Key: "command:" + prog, Item: item, Reason: packageRunnerReason}, true
}

// isFalse: an npm switch turned off.
func isFalse(value, _ string) bool {
	v := strings.ToLower(strings.TrimSpace(value))
	return v == "false" || v == "0" || v == "no" || v == ""
}

func isBool(s string) bool {
	s = strings.ToLower(s)
	return s == "true" || s == "false"
}

// otherPackage: a package other than the one the plan installs (spec).
func otherPackage(value, spec string) bool { return value != spec }

func isPathLike(value, _ string) bool { return strings.ContainsAny(value, `/\`) }

func isRoot(value, _ string) bool {
	u, _, _ := strings.Cut(value, ":")
	return u == "0" || strings.EqualFold(u, "root")
}

// sharesHost: "host" or another container's namespace.
func sharesHost(value, _ string) bool {
	v := strings.ToLower(strings.TrimSpace(value))
	return v == "host" || strings.HasPrefix(v, "container:")
}

// hostWide reports a mount of the whole disk, the home folder (or a folder holding all
// homes), a system folder or Docker's own socket.
func hostWide(value, _ string) bool {
	src := value
	if strings.Contains(value, "=") { // --mount type=bind,source=/,target=/host
		src = ""
		for _, part := range strings.Split(value, ",") {
			k, v, _ := strings.Cut(part, "=")
			if k = strings.ToLower(strings.TrimSpace(k)); k == "source" || k == "src" {
				src = v
			}
		}
	} else if isDriveLetter(value) && (len(value) == 2 || value[2] == '\\' || value[2] == '/') {
		src = value[:min(3, len(value))] // C:\ or C:/
		if rest := value[min(3, len(value)):]; rest != "" {
			if i := strings.IndexByte(rest, ':'); i >= 0 {
				src = value[:3+i]
			} else {
				src = value
			}
		}
	} else if i := strings.IndexByte(value, ':'); i >= 0 {
		src = value[:i]
	}
	src = strings.TrimSpace(src)
	if src == "" {
		return false
	}
	if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "~") || strings.HasPrefix(src, "$") || strings.HasPrefix(src, "%") {
		// Docker makes a source starting with "." absolute from the folder it runs in, which
		// is MCP Tray's own folder; "..", "../.." reach the home folder and beyond.
		return true
	}
	if strings.HasSuffix(strings.ToLower(src), "docker.sock") || strings.Contains(strings.ToLower(src), `\\.\pipe\docker`) {
		return true
	}
	if isDriveLetter(src) && strings.Trim(src[2:], `\/`) == "" {
		return true // a whole Windows drive
	}
	switch src {
	case "~", "~/", "$HOME", "${HOME}", "%USERPROFILE%":
		return true
	}
	clean := path.Clean(strings.ReplaceAll(src, `\`, "/"))
	switch clean {
	case "/", "/home", "/Users", "/root", "/etc", "/var", "/var/run", "/run", "/proc", "/sys", "/dev", "/boot", "/usr", "/private":
		return true
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" && clean == path.Clean(strings.ReplaceAll(home, `\`, "/")) {
		return true
	}
	return false
}

// isDriveLetter reports a value starting with a Windows drive, "C:".
func isDriveLetter(s string) bool {
	return len(s) >= 2 && s[1] == ':' && (s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z')
}

// remoteHazard reports a remote server's address that names this computer (localhost, a
// *.localhost name, a loopback or unspecified address) or the local network (a private,
// carrier-grade NAT or link-local address, or a name only a local network resolves: *.local,
// *.internal, *.lan, *.home.arpa, or a name without a dot).
func remoteHazard(raw string) (Hazard, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Hazard{}, false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap()
		switch {
		case a.IsLoopback(), a.IsUnspecified():
			return Hazard{Key: HazardThisComputer, Item: raw, Reason: thisComputerReason}, true
		case a.IsPrivate(), a.IsLinkLocalUnicast(), cgnat.Contains(a):
			return Hazard{Key: HazardLocalNetwork, Item: raw, Reason: localNetworkReason}, true
		}
		return Hazard{}, false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return Hazard{Key: HazardThisComputer, Item: raw, Reason: thisComputerReason}, true
	}
	if !strings.Contains(host, ".") || slices.ContainsFunc(localSuffixes, func(s string) bool { return strings.HasSuffix(host, s) }) {
		return Hazard{Key: HazardLocalNetwork, Item: raw, Reason: localNetworkReason}, true
	}
	return Hazard{}, false
}

var (
	localSuffixes = []string{".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp"}
	cgnat         = netip.MustParsePrefix("100.64.0.0/10")
)
