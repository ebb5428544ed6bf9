package clients

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLooksLikeCredential(t *testing.T) {
	tests := []struct {
		name, value string
		want        bool
	}{
		{"GITHUB_PERSONAL_ACCESS_TOKEN", "x", true},
		{"SESSION", "x", true},
		{"APP_SESSION_KEY", "x", true},
		{"sessionCookie", "x", true},
		{"lastSessionId", "0b6c1f0e-5a8e-4f2c-9d61-3f1f0c2a7e11", false}, // Claude Code's, per project
		{"SESSION_ID", "0b6c1f0e-5a8e-4f2c-9d61-3f1f0c2a7e11", false},
		{"OPENAI_API_KEY", "x", true},
		{"apiKey", "x", true},
		{"ACCESSKEY", "x", true},
		{"DB_PASSWORD", "x", true},
		{"GITLAB_PAT", "x", true},
		{"githubPat", "x", true},
		{"X-Auth", "x", true},
		{"Authorization", "x", true},
		{"SLACK_BOT_SECRET", "x", true},
		{"GOOGLE_APPLICATION_CREDENTIALS", "/home/x/creds.json", true},
		{"DB_PWD", "x", true},

		{"PATH", "/usr/bin:/bin", false},
		{"PWD", "/home/x", false},
		{"KEYBOARD_LAYOUT", "us", false},
		{"AUTHOR", "Zoë", false},
		{"LOG_LEVEL", "debug", false},
		{"HOME", "/home/x", false},
		{"NODE_ENV", "production", false},
		{"DATABASE_URL", "postgres://localhost/app", false},
		{"REGION", "eu-west-1", false},
		{"ALLOWED_DIR", "/Users/zoë/Documents/projects/2026/very-long-folder-name", false},
		{"MODEL", "claude-sonnet-4-5-20250929", false},
		{"UUID", "123e4567-e89b-12d3-a456-426614174000", false}, // dashes, 36 chars: below the entropy bar

		{"VALUE", "ghp_0123456789abcdefABCDEF0123456789abcd", true},
		{"VALUE", "gho_0123456789abcdefABCDEF0123", true},
		{"VALUE", "github_pat_11AAAAAAA0123456789_abcdefghijklmnop", true},
		{"VALUE", "xoxb-1234567890-abcdefghij", true},
		{"VALUE", "xoxp-1234567890-abcdefghij", true},
		{"VALUE", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz", true},
		{"VALUE", "sk-proj-abcdefghijklmnopqrstuvwxyz", true},
		{"VALUE", "sk-abcdefghijklmnopqrstuvwxyz012345", true},
		{"VALUE", "AKIAIOSFODNN7EXAMPLE", true},
		{"VALUE", "glpat-abcdefghij0123456789", true},
		{"VALUE", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", true},
		{"VALUE", "Bearer abcdef0123456789", true},
		{"VALUE", "postgres://admin:hunter2@db.example.com/app", true},
		{"VALUE", "q8Zt3LmX0vR7pK2wN9cY4hB6jD1fG5sA", true}, // 32 random characters
		{"VALUE", "mcp-server-github", false},
		{"VALUE", "true", false},
	}
	for _, tt := range tests {
		if got := LooksLikeCredential(tt.name, tt.value); got != tt.want {
			t.Errorf("LooksLikeCredential(%q, %q) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestLooksLikeCredentialNamesOfIssue17(t *testing.T) {
	for _, name := range []string{"MY_CREDS", "AWS_CREDS", "OAUTH_CLIENT", "BASICAUTH", "AUTH_HEADER", "AuthToken", "DB_CRED"} {
		if !LooksLikeCredential(name, "x") {
			t.Errorf("LooksLikeCredential(%q, \"x\") = false, want true", name)
		}
	}
	if !LooksLikeCredential("CACHE", "redis://:hunter2@cache.local:6379/0") {
		t.Error("a redis address with a password and no user is not taken for a credential")
	}
}

func TestCredentialsInArgs(t *testing.T) {
	type found struct{ Value, Name, Where string }
	tests := []struct {
		args []string
		want []found
	}{
		{[]string{"mcp-remote", "https://x.example/mcp", "--header", "Authorization: Bearer abcdef0123456789"},
			[]found{{"abcdef0123456789", "AUTHORIZATION", "the Authorization header"}}},
		{[]string{"-H", "X-API-Key:k3y-value"}, []found{{"k3y-value", "X_API_KEY", "the X-API-Key header"}}},
		{[]string{"--header=Authorization: Bearer abcdef0123456789"}, []found{{"abcdef0123456789", "AUTHORIZATION", "the Authorization header"}}},
		{[]string{"--header", "Accept: text/plain"}, nil},
		{[]string{"--password=hunter2"}, []found{{"hunter2", "PASSWORD", "the --password flag"}}},
		{[]string{"--password", "hunter2"}, []found{{"hunter2", "PASSWORD", "the --password flag"}}},
		{[]string{"--api-key", "abc"}, []found{{"abc", "API_KEY", "the --api-key flag"}}},
		{[]string{"--token=abc", "--secret", "s3"}, []found{{"abc", "TOKEN", "the --token flag"}, {"s3", "SECRET", "the --secret flag"}}},
		{[]string{"-e", "GITHUB_TOKEN=abc"}, []found{{"abc", "GITHUB_TOKEN", "the GITHUB_TOKEN= setting"}}},
		{[]string{"redis://:pass@localhost:6379"}, []found{{"pass", "REDIS_PASSWORD", "the password in a redis:// address"}}},
		{[]string{"--db", "postgres://user:pw@db.local/app"}, []found{{"pw", "POSTGRES_PASSWORD", "the password in a postgres:// address"}}},
		{[]string{"https://api.example.com/sse?api_key=abc123&x=1"}, []found{{"abc123", "API_KEY", "the api_key= part of an address"}}},
		{[]string{"--conn", "Server=db;Database=app;User Id=sa;Password=Str0ng!;"}, []found{{"Str0ng!", "PASSWORD", "Password= in a connection string"}}},
		{[]string{"Server=db;PWD=abc"}, []found{{"abc", "PWD_SECRET", "PWD= in a connection string"}}}, // PWD is the working folder
		{[]string{"-H", "LD_PRELOAD: ghp_0123456789abcdefABCDEF0123456789abcd"}, []found{{"ghp_0123456789abcdefABCDEF0123456789abcd", "LD_PRELOAD_SECRET", "the LD_PRELOAD header"}}},
		{[]string{"ghp_0123456789abcdefABCDEF0123456789abcd"}, []found{{"ghp_0123456789abcdefABCDEF0123456789abcd", "TOKEN", "an argument that looks like a token"}}},
		{[]string{"--key", "sk-abcdefghijklmnopqrstuvwxyz012345"}, []found{{"sk-abcdefghijklmnopqrstuvwxyz012345", "KEY", "the --key flag"}}},
		{[]string{"-y", "@modelcontextprotocol/server-filesystem", "/home/x", "--port=8080", "postgres://localhost/app"}, nil},
		{[]string{"--author", "Zoë", "--no-color"}, nil},
		{[]string{"mcp-remote", "https://x.example/mcp", "--auth-server-url=https://x.example/auth", "--token-file", "/home/x/token"}, nil},
		{[]string{"--auth-server-url=https://u:pw1@x.example/auth"}, []found{{"pw1", "HTTPS_PASSWORD", "the password in a https:// address"}}},
		{[]string{"--password", "12345678"}, []found{{"12345678", "PASSWORD", "the --password flag"}}},
		// References are filled in by whoever runs the command: what an import leaves behind
		// (and export reads again) is no credential.
		{[]string{"--password=${secret:PASSWORD}", "redis://:${secret:REDIS_PASSWORD}@cache:6379", "--conn", "Server=db;Password=${secret:PASSWORD_2};"}, nil},
		{[]string{"--token", "${GITHUB_TOKEN}", "https://x.example/mcp?api_key=${secret:API_KEY}"}, nil},
		// What credential.InURL finds beyond the old expressions.
		{[]string{"https://x.example/mcp?api%5Fkey=abc123"}, []found{{"abc123", "API_KEY", "the api_key= part of an address"}}},
		{[]string{"https://x.example/cb#access_token=abc123"}, []found{{"abc123", "ACCESS_TOKEN", "the access_token= part of an address"}}},
		{[]string{"https://x.example/mcp?ref=ghp_0123456789abcdefABCDEF0123456789abcd"}, []found{{"ghp_0123456789abcdefABCDEF0123456789abcd", "REF_SECRET", "the ref= part of an address"}}},
		{[]string{"https://ghp_0123456789abcdefABCDEF0123456789abcd@github.com/o/r.git"}, []found{{"ghp_0123456789abcdefABCDEF0123456789abcd", "HTTPS_TOKEN", "the user name in a https:// address"}}},
		{[]string{"postgres://app@db.local/app", "https://[::1]:8080/mcp"}, nil},
	}
	for _, tt := range tests {
		var got []found
		for _, c := range CredentialsInArgs(tt.args) {
			got = append(got, found{tt.args[c.Arg][c.Start:c.End], c.Name, c.Where})
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("CredentialsInArgs(%q) (-want +got):\n%s", tt.args, diff)
		}
	}
}
