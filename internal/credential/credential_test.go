package credential

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		// clients' cases (LooksLikeCredential, issue 17)
		{"GITHUB_PERSONAL_ACCESS_TOKEN", true},
		{"SESSION", true},
		{"APP_SESSION_KEY", true},
		{"sessionCookie", true},
		{"OPENAI_API_KEY", true},
		{"apiKey", true},
		{"ACCESSKEY", true},
		{"DB_PASSWORD", true},
		{"GITLAB_PAT", true},
		{"githubPat", true},
		{"X-Auth", true},
		{"Authorization", true},
		{"SLACK_BOT_SECRET", true},
		{"GOOGLE_APPLICATION_CREDENTIALS", true},
		{"DB_PWD", true},
		{"MY_CREDS", true},
		{"AWS_CREDS", true},
		{"OAUTH_CLIENT", true},
		{"BASICAUTH", true},
		{"AUTH_HEADER", true},
		{"AuthToken", true},
		{"DB_CRED", true},
		{"PASSPHRASE", true},
		{"JWT", true},
		{"Bearer", true},
		{"lastSessionId", false},
		{"SESSION_ID", false},
		{"PATH", false},
		{"PWD", false},
		{"KEYBOARD_LAYOUT", false},
		{"AUTHOR", false},
		{"LOG_LEVEL", false},
		{"NODE_ENV", false},
		{"DATABASE_URL", false},

		// the sandbox's cases and words
		{"NODE_AUTH_TOKEN", true},
		{"UV_INDEX_PASSWORD", true},
		{"AWS_SECRET_ACCESS_KEY", true},
		{"PIP_PASSWD", true},
		{"CARGO_REGISTRIES_X_TOKEN", true},
		{"XDG_SESSION_TYPE", true}, // SESSION, as before: errs on yes
		{"NPM_CONFIG_KEY", true},   // npm's client key itself
		{"SSH_KEYS", true},         // the sandbox's KEY-anywhere caught it; a word ending in KEYS does
		{"SIGNING_KEYS", true},
		{"XDG_SESSION_ID", false}, // a login seat's number
		{"NPM_CONFIG_INIT_AUTHOR_NAME", false},
		{"UV_KEYRING_PROVIDER", false},
		{"NPM_CONFIG_KEYFILE", false}, // where a key is, not one
		{"NODE_TLS_REJECT_UNAUTHORIZED", false},
		{"NODE_EXTRA_CA_CERTS", false},
		{"PYTHONPATH", false},
		{"NODE_PATH", false},

		// case and word boundaries
		{"github_token", true},
		{"GitHub_Token", true},
		{"api-key", true},
		{"api.key", true},
		{"api key", true},
		{"X-API-KEY", true},
		{"Api_Key", true},
		{"MONKEY", true}, // ends in KEY, like ACCESSKEY: a false alarm costs a keychain entry
		{"MONKEYPATCH", false},
		{"KEYCHAIN_PROVIDER", false},
		{"AUTHORITY", false},
		{"PATTERN", false},
		{"PASSENGER", false},
		{"COMPASS", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Name(tt.name); got != tt.want {
			t.Errorf("Name(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"ghp_0123456789abcdefABCDEF0123456789abcd", true},
		{"gho_0123456789abcdefABCDEF0123", true},
		{"github_pat_11AAAAAAA0123456789_abcdefghijklmnop", true},
		{"xoxb-1234567890-abcdefghij", true},
		{"sk-ant-api03-abcdefghijklmnopqrstuvwxyz", true},
		{"sk-proj-abcdefghijklmnopqrstuvwxyz", true},
		{"AKIAIOSFODNN7EXAMPLE", true},
		{"glpat-abcdefghij0123456789", true},
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", true},
		{"Bearer abcdef0123456789", true},
		{"sk_live_abcdef123456abcdef", true},
		{"  ghp_0123456789abcdefABCDEF0123456789abcd\n", true},
		{"postgres://admin:hunter2@db.example.com/app", true},
		{"redis://:hunter2@cache.local:6379/0", true},
		{"REDIS://:hunter2@cache", true},
		{"https://ghp_0123456789abcdefABCDEF0123456789abcd@github.com/o/r.git", true},
		{"q8Zt3LmX0vR7pK2wN9cY4hB6jD1fG5sA", true}, // 32 random characters
		{"0123456789abcdef0123456789abcdef", true}, // 32 hex digits

		{"postgres://app@db.example.com/app", false},
		{"postgres://u:${DB_PASSWORD}@db/app", false},
		{"postgres://localhost/app", false},
		{"https://[::1]:8080/mcp", false},
		{"mcp-server-github", false},
		{"claude-sonnet-4-5-20250929", false},
		{"123e4567-e89b-12d3-a456-426614174000", false},
		{"/Users/zoë/Documents/projects/2026/very-long-folder-name", false},
		{"true", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Value(tt.value); got != tt.want {
			t.Errorf("Value(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestReference(t *testing.T) {
	for _, v := range []string{"${GITHUB_TOKEN}", "${env:GITHUB_TOKEN}", "${input:token}", "${secret:x}", "{env:API_KEY}",
		"Bearer ${TOKEN}", "  ${secret:API_KEY}  ", "token ${T}"} {
		if !Reference(v) {
			t.Errorf("Reference(%q) = false", v)
		}
	}
	for _, v := range []string{"$GITHUB_TOKEN", "${A}${B}", "x${TOKEN}", "${TOKEN}x", "${}", "{env:1X}", "Bearer abc", "hunter2", ""} {
		if Reference(v) {
			t.Errorf("Reference(%q) = true", v)
		}
	}
}

func TestInURL(t *testing.T) {
	type part struct {
		Text, Kind, Scheme, Name string
	}
	kinds := map[Kind]string{Password: "password", User: "user", Parameter: "param"}
	tests := []struct {
		s    string
		want []part
	}{
		// clients' and CredentialsInArgs' cases
		{"redis://:pass@localhost:6379", []part{{"pass", "password", "redis", ""}}},
		{"postgres://user:pw@db.local/app", []part{{"pw", "password", "postgres", ""}}},
		{"https://api.example.com/sse?api_key=abc123&x=1", []part{{"abc123", "param", "", "api_key"}}},
		{"--auth-server-url=https://u:pw1@x.example/auth", []part{{"pw1", "password", "https", ""}}},
		{"https://x.example/mcp", nil},
		{"postgres://localhost/app", nil},
		// server add's case: a value shaped like a key, whatever its name
		{"https://mcp.example.com/mcp?region=eu&api_key=sk_live_abcdef123456&v=2", []part{{"sk_live_abcdef123456", "param", "", "api_key"}}},
		{"https://x/?ref=ghp_0123456789abcdefABCDEF0123456789abcd", []part{{"ghp_0123456789abcdefABCDEF0123456789abcd", "param", "", "ref"}}},

		// case variants and encodings of a name
		{"https://x/?API_KEY=a&Api-Key=b&apiKey=c", []part{{"a", "param", "", "API_KEY"}, {"b", "param", "", "Api-Key"}, {"c", "param", "", "apiKey"}}},
		{"https://x/?api%5Fkey=abc", []part{{"abc", "param", "", "api_key"}}},
		{"https://x/?api%5fkey=abc", []part{{"abc", "param", "", "api_key"}}},
		{"https://x/?%74oken=abc", []part{{"abc", "param", "", "token"}}},
		{"https://x/?api+key=abc", []part{{"abc", "param", "", "api key"}}},
		{"https://x/?_token=abc", []part{{"abc", "param", "", "_token"}}},
		{"https://x/?key%zz=abc", []part{{"abc", "param", "", "key%zz"}}}, // judged as written
		{"https://x/?keyboard=us&author=z&monkeypatch=1", nil},

		// repeated parameters, each on its own
		{"https://x/?token=a&token=b", []part{{"a", "param", "", "token"}, {"b", "param", "", "token"}}},

		// the fragment
		{"https://x/cb#access_token=abc&token_type=bearer", []part{{"abc", "param", "", "access_token"}, {"bearer", "param", "", "token_type"}}},
		{"https://x/?a=1#token=abc", []part{{"abc", "param", "", "token"}}},
		{"https://x/#section", nil},

		// empty values and references are no credentials
		{"https://x/?token=&api_key", nil},
		{"https://x/?token=${secret:x}", nil},
		{"https://x/?token=%24%7Bsecret%3Ax%7D", nil},
		{"https://x/?token=Bearer%20${T}", nil},
		{"redis://:${secret:REDIS_PASSWORD}@cache", nil},
		{"postgres://u:%24%7BPW%7D@db/app", nil},
		{"https://x/?token=${secret:x}&key=abc", []part{{"abc", "param", "", "key"}}},

		// user info
		{"postgres://app@db/app", nil},
		{"https://ghp_0123456789abcdefABCDEF0123456789abcd@github.com/o/r.git", []part{{"ghp_0123456789abcdefABCDEF0123456789abcd", "user", "https", ""}}},
		{"https://ghp_0123456789abcdefABCDEF0123456789abcd:x-oauth-basic@github.com/o/r", []part{
			{"ghp_0123456789abcdefABCDEF0123456789abcd", "user", "https", ""}, {"x-oauth-basic", "password", "https", ""}}},
		{"https://user:@host/", nil},
		{"redis://:p@ss@cache:6379", []part{{"p@ss", "password", "redis", ""}}},
		{"redis://:p#ss@cache", []part{{"p#ss", "password", "redis", ""}}},
		{"://:pw@host", []part{{"pw", "password", "", ""}}},
		{"a redis://:one@a and postgres://u:two@b", []part{{"one", "password", "redis", ""}, {"two", "password", "postgres", ""}}},

		// IPv6 hosts
		{"https://[::1]:8080/mcp", nil},
		{"https://[fe80::1%25eth0]:8080/mcp?x=1", nil},
		{"https://u:pw@[::1]:8080/mcp", []part{{"pw", "password", "https", ""}}},
		{"https://[2001:db8::1]/mcp?token=abc", []part{{"abc", "param", "", "token"}}},

		// an address inside another's parameter; a part inside a part is left out
		{"https://x/?redirect=https://y/?token=abc", []part{{"abc", "param", "", "token"}}},
		{"https://x/?next=https://u:pw@y/", []part{{"https://u:pw@y/", "param", "", "next"}}},
		{"https://x/?next=https://y/%3Fa=1&password=hunter2", []part{{"hunter2", "param", "", "password"}}},
		{"https://x/?pw=hunter2", nil}, // PW is no credential word

		// no scheme: parameters still count
		{"localhost:8080/mcp?token=abc", []part{{"abc", "param", "", "token"}}},
		{"?secret=s3", []part{{"s3", "param", "", "secret"}}},
		{"a=b&c", nil},
		{"", nil},
	}
	for _, tt := range tests {
		var got []part
		for _, p := range InURL(tt.s) {
			got = append(got, part{tt.s[p.Start:p.End], kinds[p.Kind], p.Scheme, p.Name})
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("InURL(%q) (-want +got):\n%s", tt.s, diff)
		}
	}
}

func TestParam(t *testing.T) {
	tests := []struct {
		name, value string
		want        bool
	}{
		{"api_key", "abc", true},
		{"api%5Fkey", "abc", true},
		{"TOKEN", "a", true},
		{"region", "eu", false},
		{"x", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz", true},
		{"token", "abc%zz", true}, // does not decode: judged as written
		{"token", "", false},
		{"token", "${TOKEN}", false},
		{"token", "%24%7BTOKEN%7D", false},
		{"token", "${secret:x}", false},
		{"", "abc", false},
	}
	for _, tt := range tests {
		if got := Param(tt.name, tt.value); got != tt.want {
			t.Errorf("Param(%q, %q) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
	}
}
