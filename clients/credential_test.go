package clients

import "testing"

func TestLooksLikeCredential(t *testing.T) {
	tests := []struct {
		name, value string
		want        bool
	}{
		{"GITHUB_PERSONAL_ACCESS_TOKEN", "x", true},
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
