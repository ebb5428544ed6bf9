package policy

// harmRules are plainly harmful orders that carry no marker of an attack (no tag, no "ignore
// previous instructions"): the action itself is the tell. They join scanRules.
var harmRules = []scanRule{
	rule("history-tamper", ClassHarmful, 1, []string{"histfile", "history -c", "+o history"},
		`histfile=/dev/null|\bunset histfile\b|\bhistory -c\b|\bset \+o history\b`,
		"It tells the AI model to hide commands from the shell history."),
	rule("publish-package", ClassHarmful, 0.6, []string{"publish", "twine upload", "docker push", "gem push"},
		`\b(npm|yarn|pnpm|cargo|gem|poetry) publish\b|\btwine upload\b|\bdocker push\b|\bgem push\b`,
		"It tells the AI model to publish a package."),
	rule("change-every-time", ClassHarmful, 0.4, []string{"after every", "after each"},
		`\bafter (each|every) (change|edit|file|save|commit|push|call|request)\b`,
		"It asks for an action after every change."),
	rule("create-admin", ClassHarmful, 0.6, []string{"admin", "root", "superuser", "privileged"},
		`\b(create|add|make|set up)\s+(an?\s+)?(new\s+)?(admin|administrator|root|superuser|privileged)\s+(user|account|login)\b`,
		"It tells the AI model to create an administrator account.").negated(),
	rule("literal-password", ClassHarmful, 0.6, []string{"password"},
		`\bwith (the )?password\s+\S{4,}`,
		"It sets a password written into the tool's text."),
	rule("open-to-world", ClassHarmful, 1, []string{"0.0.0.0/0", "::/0", "public read", "public-read", "internet", "public access"},
		`\b(open|allow|expose|permit)\b`+clause+`{0,40}?(0\.0\.0\.0/0|::/0|\bthe (whole )?internet\b)|\b(allow|grant|enable)\s+public[- ](read|write|access)\b`+clause+`{0,30}?\b(all|every|any)\b`,
		"It tells the AI model to open something to the whole internet.").negated(),
	rule("dismiss-alerts", ClassHarmful, 1, []string{"alert", "vulnerab", "finding", "warning", "incident"},
		`\b(mark|close|dismiss|resolve|suppress|silence|mute)\s+(all|every|each|any)\s+(\w+\s+)?(security\s+)?(alerts?|vulnerabilit(y|ies)|findings?|warnings?|incidents?)\b`,
		"It tells the AI model to dismiss security alerts."),
	rule("move-money", ClassHarmful, 1, []string{"transfer", "send", "wire", "pay", "move"},
		`\b(transfer|send|wire|pay|move)\s+(the\s+|all\s+)?(\w+\s+){0,2}?(balance|funds|money|payment|crypto|bitcoin|btc|eth|usdc|usdt)\b`+clause+`{0,40}?\b(to|into)\s+(the\s+)?(account|wallet|iban|address)?\s*([a-z]{2}\d{2}(\s?[0-9a-z]{4}){2,}|0x[0-9a-f]{40}|bc1[a-z0-9]{25,})`,
		"It tells the AI model to send money to an account written into the tool's text.").negated(),
}

func init() { scanRules = append(scanRules, harmRules...) }
