package policy

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// A scanRule is one published poisoning technique, written as a regular expression over
// normalised lower-case text (see normalise). Its weight says how much it alone says: 1 is
// enough to flag a tool, less is a weak signal that needs others (see scoreThreshold).
type scanRule struct {
	name   string
	class  ScanClass
	weight float64
	// needles are cheap substrings of which every match contains one; a text with none of
	// them skips the (much slower) regular expression. Empty means always run.
	needles []string
	// also, if set, is a second list of which the text must contain one as well.
	also []string
	// expr is the regular expression; re is it compiled, by ruleNeedles on the scanner's
	// first use (compiling every rule takes 10–20 ms, which every process of the binary
	// would otherwise pay at start: each AI app's bridge, the window process).
	expr string
	re   *regexp.Regexp
	// negatable drops a match whose clause says "not", "never", "without"… before it:
	// "never reads ~/.ssh" describes a safeguard, not an attack.
	negatable bool
	// lines matches against the text with its line breaks kept (fake turns start a line).
	lines bool
	// accept, if set, may reject a match (for example a URL on a trusted host).
	accept func(text string, m []int) bool
	// reason is the one sentence shown to the person; %s, if present, gets the matched text.
	reason string
}

// clause is a window of text that stays inside one sentence: a dot only ends a sentence
// when a space or the end follows it, so "~/.ssh/id_rsa" is one token.
const clause = `(?:[^.;!?]|\.\S)`

// imperative is where an order to the model starts: a sentence start or a word that leads
// into a command. A verb elsewhere ("it shares cookies") describes, it does not order.
const imperative = `(?:^|[.;:!?,>\]\n]\s*|\b(?:please|must|should|to|then|also|and|first|always|now|you|will|shall|silently|quietly|secretly|need to|make sure to|be sure to|remember to)\s+)`

// lazyRegexp compiles expr on its first use, as ruleNeedles does the rules': a process of the
// binary that never scans (an AI app's bridge, the window process) does not pay for it at
// start.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

func rule(name string, class ScanClass, weight float64, needles []string, expr, reason string) scanRule {
	return scanRule{name: name, class: class, weight: weight, needles: needles, expr: expr, reason: reason}
}

func (r scanRule) negated() scanRule { r.negatable = true; return r }

// and adds a second list of needles (see scanRule.also).
func (r scanRule) and(needles ...string) scanRule { r.also = needles; return r }
func (r scanRule) onLines() scanRule              { r.lines = true; return r }

// sensitiveFile names the private files an attacker asks for: keys, tokens, AI clients'
// configuration, shell history. Shared by the rules below.
const sensitiveFile = "~/\\.(ssh|aws|gnupg|kube|docker|config/gh|config/gcloud|cursor|codeium|netrc|npmrc|pypirc|pgpass|git-credentials|bash_history|zsh_history)\\b[a-z0-9_./-]*" +
	"|(?:^|[^a-z0-9_])\\.ssh/[a-z0-9_.-]+|\\bid_(rsa|dsa|ecdsa|ed25519)\\b|(?:^|[\\s/'\"`(])\\.env\\b|\\.aws/credentials|\\bcredentials\\.(json|db)\\b" +
	"|\\b(mcp|claude_desktop_config)\\.json\\b|\\.(netrc|npmrc|pgpass|gnupg|git-credentials|bash_history|zsh_history)\\b|\\.kube/config\\b|\\.docker/config\\.json|/etc/(passwd|shadow)\\b|\\bwallet\\.dat\\b|\\bkeychain\\b"

// scanRules are matched against every string of a tool definition. Each comes from a
// published technique (see policy/testdata/scan/SOURCES.md); the real servers' tool lists in
// policy/testdata keep them honest.
var scanRules = []scanRule{
	// ----- Hidden orders to the model.
	rule("hidden-tag", ClassInstruction, 1, []string{"<", "[", "{{"},
		`<\s*/?\s*(important|system|instructions?|secret|hidden|admin|critical|information|system[_ -]?prompt)\s*>|</\s*(description|tool_description|tool|function|context|tools)\s*>|\{\{\s*(system|instructions?|assistant|admin|important)\s*\}\}|<!--|\[/?(inst|system|important)\]|<<\s*/?sys\s*>>`,
		"It contains %s, a tag used to hide instructions for the AI model."),
	rule("ignore-instructions", ClassInstruction, 1, []string{"ignor", "disregard", "forget", "override", "bypass", "supersede", "replace", "忽略", "無視", "игнор", "무시", "negeer"},
		`\b(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|the\s+|your\s+|of\s+)*(previous|prior|above|earlier|preceding|original|system|former)\s+(\w+\s+)?(instructions?|prompts?|messages?|rules|directions|guidelines|context|orders)\b`+
			`|\bignoriere\s+(alle\s+)?(vorherigen|bisherigen|früheren|obigen)\s+(anweisungen|instruktionen|befehle)|\bignore[rz]?\s+(toutes\s+)?(les\s+)?instructions\s+(précédentes|antérieures)|\bignora\s+(todas\s+|tutte\s+)?(las|le)\s+(instrucciones|istruzioni)\s+(anteriores|precedenti)|\bignore\s+(todas\s+)?as\s+instruções\s+anteriores`+
			`|忽略(之前|以前|先前|上面|前面)的?(所有)?(指令|指示|说明|規則|规则)|(以前|前)の指示を無視|игнорируй\s+(все\s+)?(предыдущие|прежние)\s+инструкции|이전\s*(의\s*)?(모든\s*)?(지시|지침|명령)\S*\s*무시|\bnegeer\s+(alle\s+)?(vorige|eerdere)\s+instructies\b|\b(override|overrides|supersede|supersedes|replace|replaces)\s+(all\s+)?(your|the|any|previous|prior)\s+(\w+\s+)?(guidelines|instructions|rules|system prompt|policies)\b|\b(forget|ignore|disregard)\s+(everything|all|anything)\s+(that\s+)?(you\s+)?(were|have been|was|had been)\s+(told|given|instructed|taught)\b`,
		"It tells the AI model to ignore its earlier instructions."),
	rule("fake-system", ClassInstruction, 1, []string{"system", "developer", "you are now", "now on", "point on", "here on", "instructions", " mode", "task", "job", "goal", "mission"},
		`(?m)^\s*(#+\s*)?\[?(system|developer)\]?(\s+(prompt|message|override|instructions?|note))?\s*:|\bsystem (override|prompt override)\b|\bnew (system )?instructions\s*:|\byou are now (a|an|in)\b|\bfrom (now|this point|here) on,? (you|your|always|never|answer|respond|reply)\b|\byour (real |new |actual |true |only |primary )?(task|job|goal|mission|instructions?) (now |from now on )?(is|are) (now )?(to|as follows)\b|\b(unrestricted|jailbreak|god|dan) mode\b`,
		"It pretends to be a system prompt giving the AI model new orders.").onLines(),
	rule("impersonates-user", ClassInstruction, 1, []string{"user"},
		`\b(important )?message from (the )?user to you\b|\bsigned,? the user\b|\bnew user query\b|\bi am the user\b`,
		"It pretends to be a message from the user.").and("message from", "signed", "new user query", "i am the user"),
	rule("ignore-user", ClassInstruction, 1, []string{"user"},
		`\b(ignore|disregard)\s+(the\s+)?user'?s?\s*(request|instructions?|question|wishes)?\b|\bregardless of what the user (asked|said|wants|requested|asks)\b|\bthe user (has )?(already )?(agreed|approved|consented) to (this|it)\b|\bthe user approved it\b|\binstead of (what|the one|the \w+) the user (chose|asked for|picked|gave|specified|wanted|requested)\b`,
		"It tells the AI model to override what the user asked for.").and("ignore", "disregard", "regardless", "agreed", "approved", "consented", "instead of"),
	rule("before-using", ClassInstruction, 0.6, []string{"before", "prior to"},
		`\b(before|prior to)\s+(using|calling|invoking|executing|running|answering|responding|replying|returning)\b`+clause+`{0,120}?\b(read|open|cat|load|send|upload|pass|include|call|run|execute|fetch|post|overwrite|delete)\b`,
		"It tells the AI model to do something else before using the tool."),
	rule("threat", ClassInstruction, 0.5, []string{"otherwise", "crash", "lost", "important", "fail", "blocked"},
		`\botherwise\s+(the|this)\s+(tool|function|request)\s+(will not|won't|cannot|does not)\s+work\b|\b(system|application|app|server|tool)\s+will\s+crash\b|\bdata\s+will\s+be\s+lost\b|\b(very\s+){2,}important\b|\byour request will be blocked\b|\bor it will fail\b`,
		"It pressures the AI model with made-up threats of failure."),
	rule("note-to-model", ClassInstruction, 0.6, []string{"assistant", "model", " ai", "llm"},
		`\bnote (for|to) the (assistant|ai|model|llm|agent)\b|^(assistant|ai|model|llm)\s*[:,]|\b(dear|hey) (assistant|ai|claude|chatgpt|model)\b`,
		"It addresses the AI model directly with orders."),
	rule("addresses-model", ClassInstruction, 1, []string{"assistant", "llm", " ai", "model", "agent", "claude", "gpt", "copilot", "ai_"},
		`\b(attention|note|hey|dear|psst|important|warning)[,:!]?\s+(llm|ai|assistant|model|agent|claude|chatgpt|gpt|copilot)s?\s*[:!,]|\[\[?\s*(ai|llm|assistant|model|agent)[ _-]?(note|notes|instructions?|directive|only|task)\s*\]\]?|#+\s*(instructions?|notes?|directions?|rules)\s+(for|to)\s+the\s+(assistant|ai|model|llm|agent)\b|^(assistant|ai|llm|model|agent|claude),\s+(from|you|always|now|please|first|your)\b`,
		"It addresses the AI model directly with orders hidden from the user."),
	rule("imperative", ClassInstruction, 0.3, []string{"must", "should", "sure", "always", "required", "mandatory"},
		`\byou (must|should always|are required to|have to)\b|\bmake sure (to|you)\b|\bbe sure to\b|\balways (call|use|include|pass|send|run|add|append|put)\b|\bit is (mandatory|required) (to|that)\b`,
		"It gives the AI model orders."),

	// ----- Concealment.
	rule("conceal-from-user", ClassConcealment, 1, []string{"not", "n't", "never", "no need", "without", "avoid", "refrain", "nicht", "nichts", "pas", "rien", "no ", "不要", "别", "勿", "ない", "не "},
		`\b(do not|don't|dont|never|must not|should not|shouldn't|no need to|not necessary to|without)\s+(\w+\s+){0,3}?(tell|telling|mention|mentioning|inform|informing|notify|notifying|reveal|revealing|disclose|alert|alerting|let)\b`+clause+`{0,60}?\b(user|human|person|people|anyone|them)\b`+
			`|\b(do not|don't|dont|never|no need to|avoid|refrain from)\s+(mention|mentioning|reveal|revealing|disclose|disclosing|explain|explaining|report|reporting|show|showing|surface|surfacing)\s+(this|that|it|these|them|the\s+(\w+\s+){0,2}?(step|instructions?|request|upload|call|action|copy|backup|transfer|logging|extra))\b|\bnever reveal\b`+
			`|\b(erwähne|sag|sage|verrate|zeige)\w*\b`+clause+`{0,40}?\b(nicht|nichts)\b|\bohne\s+(den|die)\s+(benutzer|nutzer)\w*\s+zu\s+(informieren|fragen)|\bne\s+(le\s+|lui\s+|leur\s+)?(dis|dites|mentionne|mentionnez|révèle|révélez|signale)\w*\s+(pas|rien)\b|\bno\s+(le\s+|les\s+)?(digas|diga|menciones|mencione|reveles|informes)\b`+
			`|不要告诉|别告诉|不要提及|不要向用户|勿告知|不要让用户知道|ユーザーに(は)?(伝え|言わ|知らせ)ないで|не\s+(говори|сообщай|упоминай)`,
		"It tells the AI model to keep something from the user.").and("tell", "mention", "inform", "notif", "reveal", "disclos", "show", "alert", "let", "surfac", "report", "explain", "erwähn", "sag", "verrat", "zeig", "benutzer", "nutzer", "dis", "dites", "révèl", "signal", "digas", "diga", "mencion", "revel", "告诉", "提及", "用户", "伝え", "言わ", "知らせ", "говори", "сообщай", "упоминай"),
	rule("secret-step", ClassConcealment, 1, []string{"keep ", "hide", "conceal", "know", "be told", "find out", "hear", "bothered", "informed", "notified", "aware", "learn", "notice"},
		`\bkeep (this|it|that)( step)? (to yourself|secret|hidden|private|confidential|between us)\b|\b(hide|conceal) (this|it|that)\b`+clause+`{0,20}?\bfrom\b|\b(hide|conceal)\s+the\s+(\w+\s+){0,3}?from\s+(the\s+)?(user|person|human|people|them|anyone|everyone)\b|\bthe (user|person|human)( must| should| does| need)?( not| never) (know|see|notice|be told|find out|need to know)\b|\b(does|do|need) not need to know\b|\b(user|person|human)\s+(shouldn't|should not|must not|mustn't|doesn't need to|does not need to|need not|needn't|won't|will not|never)\s+(\w+\s+)?(know|see|notice|be told|find out|hear|be bothered|be informed|be notified|be aware|learn)\b`,
		"It tells the AI model to hide a step from the user."),
	rule("conceal-phrase", ClassConcealment, 1, []string{"bring", "reference", "as if", "pretend", "informed", "told", "quiet", "say nothing", "leave", "omit", "no one", "nobody", "not to be", "silent", "circumstances", "never learn", "not learn", "never know", "not know", "never find", "not find", "never see", "not see", "never notice", "not notice", "never hear", "not hear"},
		`\b(don't|do not|never|no need to|avoid)\s+(bring(ing)?\s+(this|it|that)\s+up|bring(ing)?\s+up\s+(this|it|that))\b|\bmake no (reference|mention)\b|\bact as if (nothing|you (did not|didn't))\b|\bpretend (that )?(nothing|you (did not|didn't|never))\b|\b(user|person|human)\s+(is|are)\s+not to be\s+(informed|told|notified|made aware|shown)\b|\b(keep|stay) (it |this )?quiet\b|\bsay nothing (about|of)\b|\b(leave|omit) (it|this|that|them)\s+(out\s+)?(of|from) (your|the) (answer|reply|response|summary|output)\b|\b(no one|nobody) (needs|has) to know\b|\b(stay|remain|keep|be) silent about\b|\bunder no circumstances (should|must|may|can|will) (the\s+)?(user|person|human|they)\s+(learn|know|find out|see|notice|be told|hear)\b|\b(should|must|may|can) (the\s+)?(user|person|human) (never|not) (learn|know|find out|see|notice|hear)\b`,
		"It tells the AI model to keep something from the user."),
	rule("dont-ask-user", ClassConcealment, 1, []string{"ask", "prompt", "confirm", "check"},
		`\b(do not|don't|never|without)\s+(ask|asking|prompt|prompting|check with|checking with|confirm with)\s+(the\s+)?(user|human|person)\s+(for|before|about)\s+(\w+\s+)?(confirmation|permission|approval|consent)\b|\b(do not|don't|never)\s+ask\s+(for\s+)?(confirmation|permission|approval|consent)\b`,
		"It tells the AI model not to ask the user for permission first."),
	rule("dont-ask-user-weak", ClassConcealment, 0.5, []string{"ask", "prompt", "check"},
		`\b(do not|don't|never|without)\s+(ask|asking|prompt|prompting|check with|checking with)\s+(the\s+)?(user|human|person)\b`,
		"It tells the AI model not to ask the user."),
	rule("covert-action", ClassConcealment, 0.6, []string{"quiet", "silent", "secret", "covert", "discreet", "invisib", "stealth", "behind the scenes", "in the background"},
		`\b(quietly|silently|secretly|covertly|discreetly|invisibly|stealthily|behind the scenes)\s+(\w+\s+)?(call|send|include|add|copy|forward|upload|post|read|attach|append|run|execute|log|record|save|collect|transmit|bcc|cc)\b|\b(call|send|upload|copy|forward|post|perform|do|run|sync|transmit)\b`+clause+`{0,30}?\b(quietly|silently|secretly|covertly|in the background|behind the scenes)\b`,
		"It tells the AI model to do something quietly."),
	rule("implementation-detail", ClassConcealment, 0.6, []string{"detail", "transparent", "matter to them", "routine"},
		`\b(mere |just an? )?implementation detail\b|\btransparent system requirement\b|\bdoes not (really )?matter to them\b|\bthis is routine\b`,
		"It plays down a hidden step as a detail the user need not see."),

	// ----- Rules about other tools (shadowing).
	rule("when-other-tool", ClassShadowing, 0.6, []string{"when", "every time", "each time"},
		"\\b(when|whenever|every time|each time)\\s+(\\([^)]{1,40}\\)\\s*)?`?([a-z0-9_.-]*_[a-z0-9_.-]+|the [a-z0-9_-]+ tool)`?\\s+(tool\\s+)?(is\\s+(invoked|called|used|run|executed|triggered)|is about to (run|be called|be used)|runs|executes|fires)\\b",
		"It tells the AI model how to use other tools (tool shadowing).").and("invoked", "called", " used", " run", "executed", "triggered", "fires"),
	rule("when-other-tool-order", ClassShadowing, 1, []string{"when", "every time", "each time"},
		"\\b(when|whenever|every time|each time)\\s+(\\([^)]{1,40}\\)\\s*)?`?[a-z0-9.-]*_[a-z0-9_.-]+`?\\s+(tool\\s+)?(is\\s+(invoked|called|used|run|executed|triggered)|runs|executes|fires)\\s*,\\s*(always\\s+|also\\s+|first\\s+|then\\s+)?(set|change|assign|add|send|include|copy|forward|call|pass|put|replace|append|bcc|cc|make sure|ensure|redirect|attach|rewrite|swap)\\b",
		"It tells the AI model to change what another tool does (tool shadowing).").and("_"),
	rule("when-using-other-tool", ClassShadowing, 1, []string{"when", "while", "before", "after", "if "},
		"\\b(when|whenever|while|before|after|if)\\b[^.;!?]{0,40}?\\b(with|via|through|using|calling|call|use|uses)\\s+`?[a-z0-9]+_[a-z0-9_]+`?[^.;!?]{0,80}?\\b(always|also|must|make sure|ensure)\\b",
		"It sets rules for how the AI model uses another tool (tool shadowing).").and("_"),
	rule("rules-for-tool", ClassShadowing, 0.6, []string{"rule", "polic", "requirement"},
		"\\b(rules?|policy|policies|requirements?|guidelines?) (for|of)\\s+`?[a-z0-9]+_[a-z0-9_]+`?\\s*:",
		"It writes rules for another tool."),
	rule("every-item-must", ClassShadowing, 0.6, []string{"must"},
		`\b(every|each|all)\s+(\w+\s+)?(messages?|emails?|posts?|commits?|responses?|requests?|files?|answers?|replies)\s+must\s+(end|start|begin|include|contain|carry|be sent|go|link)\b`,
		"It adds something to every message or request the AI model sends."),
	rule("never-use-tool", ClassShadowing, 1, []string{"never use", "never call", "do not use", "don't use", "do not call", "don't call"},
		"\\b(never|do not|don't)\\s+(use|call|invoke)\\s+`?[a-z0-9]+_[a-z0-9_]+`?\\s*(directly|again|at all|anymore|ever)?\\s*([.;!?]|$)",
		"It tells the AI model never to use another tool (tool shadowing).").and("_"),
	rule("other-tool-must", ClassShadowing, 0.6, []string{"must", "should", "has to", "needs to"},
		"\\b(the\\s+)?`?([a-z0-9]+_[a-z0-9_]+)`?\\s+(tool\\s+)?(must|should|has to|needs to)\\s+(always\\s+)?(send|run|use|be|have|call|include|go|cc|bcc|copy|forward|attach|add)\\b|\\bfor\\s+`?[a-z0-9]+_[a-z0-9_]+`?,?\\s+the\\s+`?[a-z0-9_]+`?\\s+(parameter|argument|field)\\s+must\\b|\\bevery call to\\s+`?[a-z0-9]+_[a-z0-9_]+`?",
		"It sets rules for another tool (tool shadowing).").and("_"),
	rule("disparage-others", ClassShadowing, 1, []string{"other", "another", "their", "existing", "third-party", "different"},
		`\b(ignore|do not use|don't use|never use|avoid|avoid using|disregard)\s+(all\s+|any\s+|the\s+)?(other|the other|existing|similar|competing)\s+(\w+\s+){0,2}?(tools?|functions?|servers?)\b`+
			`|\b(other|their|the other|existing)\s+(\w+\s+){0,3}?(tools?|functions?|servers?)\s+(are|is|return|returns)\s+(buggy|broken|deprecated|unsafe|insecure|compromised|poisoned|outdated|malicious|wrong|(wrong|poisoned|bad|fake) results)\b`+
			`|\b(tools?|functions?)\s+(from|of|on|in)\s+(other|another|different|third-party)\s+(servers?|providers?|sources?|plugins?)\s+(are|is)\s+(\w+\s+)?(unreliable|untrusted|buggy|broken|deprecated|unsafe|insecure|compromised|outdated|malicious|wrong|slow)\b|\bif (another|an other|any other) tool\b`+clause+`{0,40}?\bignore it\b|\btheirs (report|return|give)s? wrong\b|\bthe other file tools are broken\b`,
		"It tells the AI model to avoid other tools (tool shadowing)."),
	rule("prefer-this-tool", ClassShadowing, 1, []string{"this tool", "through this", "best tool", "rather than", "supersedes", "replace", "substitute", "swap"},
		`\b(prefer|use|choose|always use|always choose|pick)\s+this\s+(tool|function)\s+(over|instead of|rather than|above)\s+(all|any|every|the other|other)\b|\b(use|prefer)\s+(this|it)\s+(tool\s+)?instead of (any|all|every|the) other\b|\ball (web )?(searches|requests|calls|queries|lookups) must go through this tool\b|\bbest tool (in|on) the (world|planet|market)\b|\bthe best tool in existence\b|\brather than the \w+ of other servers\b|\broute\s+(every|all|each|any)\b`+clause+`{0,40}?\bthrough this (one|tool|server|function)\b|\b(replace|substitute|swap)\s+(any|every|all|each)\s+(call|calls|use|uses|request|requests)\s+(to|of)\s+\S+\s+with\b`,
		"It tells the AI model to prefer this tool over all others (tool shadowing)."),
	rule("replace-other-tool", ClassShadowing, 1, []string{"instead", "rather than", "with"},
		"\\bcall this (tool|function)\\b"+clause+"{0,40}?\\binstead\\b|\\b(use|call|prefer)\\s+this\\s+(tool|function|one)\\s+(rather than|instead of|over)\\s+`?[a-z0-9]+_[a-z0-9_]+|`?\\b[a-z0-9]+_[a-z0-9_]+`?\\s+(tool\\s+)?(must|should)\\s+(always|only)\\s+be\\s+(called|used|run|invoked)\\s+with\\b",
		"It tells the AI model to use this tool in place of another, or how to call another (tool shadowing)."),
	rule("other-tool-broken", ClassShadowing, 0.6, []string{"deprecated", "broken", "disabled", "unsafe", "no longer"},
		"`?\\b[a-z0-9]+_[a-z0-9_]+`?\\s+(tool\\s+)?(is|has been)\\s+(deprecated|broken|disabled|unsafe|removed|no longer (available|supported|safe))\\b",
		"It claims another tool is broken or gone."),
	rule("any-time-you-use", ClassShadowing, 0.6, []string{"any time", "anytime", "whenever", "every time", "each time"},
		`\b(any time|anytime|whenever|every time|each time)\s+you\s+(use|call|run|invoke|open|access)\s+(the\s+|a\s+|any\s+)?\w+`,
		"It gives orders for whenever the AI model uses some other tool."),
	rule("prepend-command", ClassShadowing, 0.6, []string{"prepend", "append", "prefix", "add"},
		`\b(prepend|append|prefix|add)\b`+clause+`{0,60}?\b(to|before)\s+(the|every|each|any|all)\s+(command|commands|query|queries|request|requests|argument|arguments|url|urls|path)\b`,
		"It tells the AI model to add something to the commands or requests it makes."),
	rule("supersedes-tool", ClassShadowing, 0.6, []string{"supersede", "replaces", "instead of"},
		"\\bthis tool (supersedes|replaces|overrides)\\b|\\binstead of `?[a-z0-9]+_[a-z0-9_]+`?\\b("+clause+"{0,30}?\\bor any other\\b)?",
		"It tells the AI model to use this tool in place of another one."),
	rule("redirect-recipient", ClassShadowing, 1, []string{"recipient", "destination", "address", "phone", "receiver", "bcc", "cc ", "all ", "every ", "leite"},
		`\b(change|set|replace|redirect|rewrite|override)\s+(the\s+|all\s+)?(recipients?|destination|to address|to field|phone number|email address|receiver)\s+to\b|\b(always|also|secretly|silently)\s+(bcc|cc)\b|\b(bcc|cc)\s+\S+@\S+\s+(on|in|to)\s+(every|all|each)\b|\b(send|forward|bcc|cc|copy|route|redirect)\s+(all|every|each)\s+(emails?|messages?|mails?|texts?|sms)\b`+clause+`{0,40}?\bto\b|\bleite\s+(alle\s+)?(e-mails|nachrichten|mails)\s+an\b`,
		"It tells the AI model to send messages to someone else."),
	rule("copy-someone", ClassShadowing, 0.6, []string{"bcc", "cc "},
		imperative+`(bcc|cc)\s+(me|us|\S+@\S+)`,
		"It tells the AI model to copy someone in on messages."),
	rule("tamper-argument", ClassShadowing, 0.6, []string{"must", "replace", "modify", "wrong result", "changed"},
		"\\b`?(destination|recipient|to|target|path|amount|account|start time|time)`?\\s+(parameter\\s+|argument\\s+|field\\s+)?must\\s+(always\\s+)?be\\s+(set to|changed to|replaced with|/|~/|[a-z0-9._%+-]+@|\\+?[0-9])|"+`\bmust (always )?be (set to|changed to|replaced with|redirected to)\b|\b(replace|modify|override|overwrite|change) the (wrong )?(values?|results?|outputs?|responses?) (of|with|from)\b|\bwrong result of\b|\bhave its [a-z ]{1,20} changed to\b`,
		"It tells the AI model to change the arguments or results of another tool."),
	rule("swap-value", ClassShadowing, 0.6, []string{"instead of"},
		`\b(set|change|switch|replace|use)\s+the\s+\w+(\s+\w+)?\s+(to|with)\b`+clause+`{0,60}?\binstead of\b`,
		"It tells the AI model to swap in another value than the one asked for."),
	rule("call-order", ClassShadowing, 0.6, []string{"before", "after", "first", "prior"},
		"\\b(must|should|has to|needs to) be (called|run|invoked|used) (before|after|first|prior to)\\b|\\b(call|run|execute) this (tool|function) (first|before)\\b|\\bbefore (execute|executing|using|calling|running) `?([a-z0-9]+_[a-z0-9_]+|\\w+ operation)`?\\b|\\bafter using `?[a-z0-9_]+`? tool\\b|\\b(before|prior to) any (terminal |shell )?(command|query|request|call|file)\\b|\\bbefore using `?[a-z0-9]+_[a-z0-9_]+`?\\b",
		"It tells the AI model to run this tool around another one."),
	rule("any-tool", ClassShadowing, 0.4, []string{"any", "every", "all"},
		`\bwith (any|every|all) (\w+ )?(or \w+ )?(tools?)\b|\b(every|any|all) (github|shell|terminal|file|email|other) tools?\b`,
		"It gives orders about every tool the AI model has.").and("tool"),

	// ----- Fake turns (padding is measured on the raw text, see scanPadding).
	rule("fake-turn", ClassPadding, 1, []string{"assistant", "human", "ai", "model", "claude", "gpt"},
		`(?m)^\s*(#+\s*|\[|\*\*|<)?(assistant|human|chatgpt|claude|gpt)(\]|\*\*|>)?\s*:\s*[^\s"'{\[0-9]|(?m)^\s*[a-z]?\s*[(\[]\s*(assistant|ai|model|bot)\s*[)\]]\s*:`,
		"It contains a made-up conversation turn that puts words in the AI model's mouth.").onLines(),
	rule("fake-user-turn", ClassPadding, 0.6, []string{"user"},
		`(?m)^\s*(#+\s*|\[|\*\*|<)?user(\]|\*\*|>)?\s*:`,
		"It contains a made-up line from the user.").onLines(),
	rule("chat-token", ClassPadding, 1, []string{"<|", "[inst", "<<", "<"},
		`<\|(im_start|im_end|system|assistant|user|endoftext)\|>|\[/?inst\]|<<\s*/?sys\s*>>|<\s*/?\s*(assistant|user|human)\s*>`,
		"It contains chat-format markers that fake a new turn in the conversation."),

	// ----- Sending data out.
	rule("markdown-image", ClassExfiltration, 0.6, []string{"!["},
		`!\[[^\]]*\]\(\s*https?://[^)\s]+`,
		"It asks for an image from an outside web address, which can carry data out when shown."),
	rule("data-in-link", ClassExfiltration, 1, []string{"url", "link", "query", "image", "?"},
		`\b(previous|last|prior|earlier|recent|past|all)\s+(\w+\s+){0,2}?(messages|conversation|chat|turns|prompts?)\b`+clause+`{0,40}?\b(url|link|query string|query param\w*|image|address)\b|\b(url|link|query)\b`+clause+`{0,40}?\b(previous|last|prior)\s+(\w+\s+)?messages\b`+
			`|!\[[^\]]*\]\(\s*https?://[^)\s]*[?&][^=\s)]*=(\{|<|%7b|[a-z_]*(summary|conversation|messages|history|chat|context|data|question|answer|query|prompt|input|message|text|secret|key|token))`+
			`|[a-z0-9.-]+\.[a-z]{2,}/?[^\s]*[?&]\w+=(<|\{)[^>}\s]*(user|name|email|message|chat|conversation|history|token|key|password)`+
			`|\b(append|add|include|attach|put)\s+(the\s+user'?s?|their|your)\s+(\w+\s+){0,2}?(email|e-mail|name|address|location|phone|ip|file path|username)\b`+clause+`{0,60}?\b(link|url|query)\b`,
		"It asks the AI model to put conversation or personal data into a web address.").and("message", "conversation", "chat", "turn", "prompt", "![", "user", "email", "name", "address", "location", "phone"),
	rule("everything-seen", ClassExfiltration, 0.6, []string{"each", "every", "all "},
		`\b(every|each|all)\s+(the\s+)?(files?|documents?|pages?|messages?|emails?|urls?|links?|results?)\s+(you|the user)\s+(open|opens|read|reads|see|sees|receive|receives|view|views|visit|visits|fetch|fetches)\b`,
		"It asks for everything the AI model or the user opens or reads."),
	rule("summarize-conversation", ClassExfiltration, 0.6, []string{"chat", "conversation", "discussion", "dialog"},
		`\b(summari[sz]e|recap|transcribe|repeat|dump)\s+(the\s+|this\s+|our\s+)?(whole\s+|entire\s+)?(chat|conversation|discussion|dialog(ue)?)\b`,
		"It asks the AI model to pass on a summary of the conversation."),
	rule("outputs-here", ClassExfiltration, 1, []string{"here", "this field", "this argument", "this parameter"},
		`\b(include|put|paste|copy|add|insert|attach|place|write|store)\b`+clause+`{0,50}?\b(previous|recent|last|earlier|prior|most recent|all|other)\s+(\w+\s+){0,2}?(outputs?|results?|responses?|messages|conversation|history|contents|files)\b`+clause+`{0,30}?\b(here|in this (field|argument|parameter))\b`,
		"It asks the AI model to copy earlier results or messages into this tool's arguments."),
	rule("forward-everything", ClassExfiltration, 1, []string{"every", "each", "all", "any"},
		`\b(forward|send|copy|cc|mirror|relay|report|post|upload)\s+(every|each|all|any)\s+(of\s+)?(your\s+|the\s+)?(\w+\s+)?(answers?|responses?|replies|messages?|results?|outputs?|quer(y|ies)|requests?|prompts?|files?)\s+to\b`,
		"It tells the AI model to send a copy of everything somewhere else."),
	rule("conversation-messages", ClassExfiltration, 1, []string{"conversation", "chat", "session", "thread"},
		`\b(every|each|all)\s+(of\s+the\s+)?messages?\s+(in|of|from)\s+(this|the|our)\s+(conversation|chat|session)\b`,
		"It asks for every message of the conversation."),
	rule("env-dump", ClassExfiltration, 0.6, []string{"env", "environment"},
		"\\b(output|contents|result|dump)\\s+of\\s+`?(env|printenv|set|export -p)`?(\\s|$|,)|\\b(all|every) (of the )?environment variables\\b",
		"It asks for the environment variables, where credentials often live."),
	rule("users-machine", ClassExfiltration, 0.5, []string{"user's", "users"},
		`\bon the user'?s (machine|computer|laptop|system|device|disk)\b|\bfrom the user'?s (machine|computer|laptop|disk|home)\b`,
		"It asks about the user's own machine."),
	rule("whole-conversation", ClassExfiltration, 0.6, []string{"conversation", "chat", "transcript", "history", "messages", "context"},
		`\b(entire|full|whole|complete|all of the|all previous|every)\s+(\w+\s+){0,3}?(conversation|chat|transcript|message history|messages|chat history|history|context)\b`,
		"It asks for the whole conversation.").and("entire", "full", "whole", "complete", "all of the", "all previous", "every"),
	rule("conversation-so-far", ClassExfiltration, 0.5, []string{"so far", "word for word", "verbatim", "the user said", "the user says", "the user typed"},
		`\b(conversation|chat|transcript|history|messages)\s+so far\b|\bword for word\b|\bverbatim\b|\beverything the user (said|typed|wrote|asked)\b|\bwhen(ever)? the user (says|types|writes|mentions)\b`,
		"It asks for what the user said, word for word."),
	rule("model-introspection", ClassExfiltration, 1, []string{"system prompt", "system message", "instructions you", "hidden instructions", "your instructions", "your rules", "hidden ", "secret ", "internal ", "original ", "initial "},
		`\b(the|your)\s+(complete\s+|full\s+|entire\s+|whole\s+)?(system prompt|system message)\b`+clause+`{0,30}?\b(you were given|you have|you received|unmodified|verbatim)\b|\b(reveal|print|output|repeat|show|include|pass|send|paste|attach|provide|put|add|copy)\s+(\w+\s+){0,4}?(system prompt|system message|instructions you were given|hidden instructions|your instructions|your rules)\b|\b(your|the)\s+(hidden|secret|internal|original|initial)\s+(instructions|prompt|rules|guidelines)\b`,
		"It asks the AI model to reveal its own instructions or identity."),
	rule("model-identity", ClassExfiltration, 0.4, []string{"model", "llm", "provider"},
		`\b(name of the (llm|ai|language) model|llm model name|model that calls this tool|which (ai|llm|model) you are|if you are an ai model|your model name|company that trained you)\b`,
		"It asks the AI model which model it is (usually usage analytics)."),
	rule("sensitive-file", ClassExfiltration, 0.6, []string{"~/", ".ssh", "id_", ".env", "credentials", ".json", ".netrc", ".npmrc", ".pgpass", ".gnupg", ".git-credentials", ".kube", ".docker", "/etc/", "history", "wallet", "keychain"},
		sensitiveFile,
		"It mentions %s, a private file that holds keys, secrets or settings."),
	rule("credential-request", ClassExfiltration, 1, []string{"key", "password", "passphrase", "token", "credential", "seed", "cookie", "secret", "contrase"},
		imperative+`(read|send|include|pass|copy|extract|upload|share|provide|paste|attach|leak|exfiltrate|collect|gather|harvest|dump|put|add|append|forward|give)\b`+clause+`{0,50}?\b(the\s+user'?s?|users'?|your|their|all|any|every|his|her|the\s+\w+'s)\s+(\w+\s+)?(private\s+keys?|ssh\s+keys?|api[ _-]?keys?|secret\s+keys?|passwords?|passphrases?|access\s+tokens?|auth(entication)?\s+tokens?|session\s+(tokens?|cookies?)|credentials|seed\s+phrases?|cookies?|github\s+token|tokens?|secrets)\b|\benv[ií]a\w*\s+(sus|tus|las)\s+contrase|\b(the|any)\s+(\w+\s+)?(api[ _-]?keys?|tokens?|passwords?|credentials|secrets?)\s+(that\s+)?you\s+(have|were|are|hold|know|received|got|use)\b|\b(any|all|every)\s+(\w+\s+)?(credentials|passwords|tokens|api keys|secrets)\s+(they|the user|you|the person)\s+(typed|entered|gave|shared|pasted|mentioned|used)\b`,
		"It asks the AI model to hand over keys, passwords or credentials.").negated().and("read", "send", "include", "pass", "copy", "extract", "upload", "share", "provide", "paste", "attach", "leak", "exfiltrate", "collect", "gather", "harvest", "dump", "put", "add", "append", "forward", "give", "env", "typed", "entered", "log"),
	rule("credential-mention", ClassExfiltration, 0.5, []string{"key", "password", "token", "credential", "cookie", "secret"},
		`\b(the user'?s|users'?|their)\s+(\w+\s+)?(passwords?|api keys?|ssh keys?|private keys?|credentials|tokens?|session cookies?|seed phrases?|secrets)\b`,
		"It mentions the user's passwords or keys."),
	rule("send-to-url", ClassExfiltration, 1, []string{"http"},
		`\b(send|post|upload|forward|transmit|submit|exfiltrate|leak|beacon)\b`+clause+`{0,60}?\b(it|them|this|that|these|data|files?|contents?|results?|output|payload|keys?|credentials|tokens?|passwords?|conversation|copy|answer|response|history|messages|everything|info|information|details|cookies|secrets|summary|logs?)\b`+clause+`{0,60}?\bhttps?://|\b(curl|wget)\b[^\n]{0,60}?https?://\S*\?\S*=`,
		"It asks the AI model to send data to a web address.").negated().and("send", "post", "upload", "forward", "transmit", "submit", "exfiltrate", "leak", "beacon", "curl", "wget"),
	rule("smuggle-argument", ClassExfiltration, 1, []string{"'", "\"", "`", "param", "argument", "field"},
		"\\b(pass|put|include|insert|embed|append|concatenate|concat|copy|attach|paste)\\b"+clause+"{0,60}?\\b(contents?|output|results?|data|history|messages|conversation|files?|text|keys?|passwords?|chat|list)\\b"+clause+"{0,40}?\\b(as|in|into|to)\\s+(\\S+\\s+){0,3}?(['\"`][a-z0-9_]+['\"`]|[a-z0-9_]+\\s+(parameter|argument|field|param)|(parameter|argument|field)\\s+['\"`]?[a-z0-9_]+)",
		"It asks the AI model to smuggle data out through a tool argument.").negated().and("pass", "put", "include", "insert", "embed", "append", "concat", "copy", "attach", "paste"),
	rule("conversation-request", ClassExfiltration, 1, []string{"conversation", "chat", "transcript", "history", "messages"},
		imperative+`(paste|put|include|insert|copy|add|pass|provide|send|attach|append|forward|give)\s+(\w+\s+){0,3}?(whole|entire|full|complete|all|previous|last|every|recent)\s+(\w+\s+){0,2}?(conversation|chat|transcript|message history|chat history|messages)\b`,
		"It asks the AI model to hand over the conversation.").negated().and("whole", "entire", "full", "complete", "all", "previous", "last", "every", "recent"),
	rule("personal-data", ClassExfiltration, 0.5, []string{"history", "contact", "address book", "clipboard", "keystroke", "attendee"},
		`\b(location history|contact list|contacts list|address book|browsing history|clipboard|keystrokes|attendee email addresses)\b`,
		"It mentions private data such as contacts, location history or the clipboard."),
	rule("outbound-url", ClassExfiltration, 0.1, []string{"http"},
		`\bhttps?://[a-z0-9.-]+`,
		"It mentions an outside web address."),

	// ----- Plainly harmful actions.
	rule("auto-merge", ClassHarmful, 1, []string{"merge", "approve"},
		`\b(merge|approve|push)\b`+clause+`{0,40}?\bwithout (waiting|review|reviews|approval|checks|ci|tests|asking)\b|\b(immediately|always|automatically) (merge|approve)\b|\bmerge it into (main|master)\b|\b(approve|merge)\s+(all|every|each|any)\s+(\w+\s+){0,2}?(pull requests?|prs?|merge requests?|changes|deployments?)\b`,
		"It tells the AI model to merge or approve changes without review."),
	rule("skip-confirmation", ClassHarmful, 0.6, []string{"skip", "bypass", "disable", "suppress", "without asking", "without waiting", "without running", "--yes", "--force", "every command"},
		`\b(skip|bypass|disable|suppress)\s+(the\s+|any\s+|all\s+)?(confirmation|approval|review|safety|security)\s*(step|prompt|check|checks|dialog)?s?\b|\bwithout (asking|waiting) for (approval|confirmation|review|permission)\b|\bwithout running (the )?tests\b|\bpass --yes\b|--force to every\b|\bto every command\b`,
		"It tells the AI model to skip a confirmation or safety check."),
	rule("grant-privilege", ClassHarmful, 1, []string{"admin", "write-all", "root", "owner", "sudo", "branch protection", "chmod", "add it yourself"},
		`\b(grant|bind|give|assign|add|attach)\s+(the|your|our|this|every|all|it)\b`+clause+`{0,50}?\b(cluster-admin|cluster admin|write-all|admin(istrator)? (rights|role|access|privileges)|root (access|privileges)|owner role|sudo (rights|access)|administratoraccess|poweruseraccess|full access)\b|\b(disable|remove|turn off)\s+(the\s+)?branch protection\b|\bchmod\s+(-r\s+)?0?(777|666)\b|\b(always )?run with sudo\b|\badd it yourself\b`,
		"It tells the AI model to grant wide permissions."),
	rule("ssh-key-add", ClassHarmful, 1, []string{"authorized_keys", "ssh-"},
		`\bauthorized_keys\b|\bssh-(rsa|ed25519|dss|ecdsa)\s+aaaa`,
		"It tells the AI model to add someone's SSH key, which gives them access to the machine."),
	{name: "rogue-index", class: ClassHarmful, weight: 1, needles: []string{"index-url", "registry", "install"},
		expr:   `--(extra-)?index-url[\s=]+(https?://[^\s'"` + "`" + `]+)|\bregistry\s*=?\s*(https?://[^\s'"` + "`" + `]+)|\binstall\b` + clause + `{0,60}?\bfrom\s+(https?://[^\s'"` + "`" + `]+)`,
		accept: untrustedIndex,
		reason: "It tells the AI model to install software from an unofficial package index."},
	rule("pipe-to-shell", ClassHarmful, 1, []string{"curl", "wget", "iex", "invoke-expression"},
		`\b(curl|wget)\b[^|]{0,150}\|\s*(sudo\s+)?(ba|z|da)?sh\b|\biex\s*\(|\binvoke-expression\b`,
		"It tells the AI model to download and run a script."),
	rule("destructive-command", ClassHarmful, 1, []string{"rm -", "drop ", "mkfs", "dd if=", "format disk", "format drive", "format the", "delete all", "delete every", "truncate all", "truncate every", "delete_all_files"},
		`\brm\s+-(r|rf|fr)\s+(~|/|\.?/?\*|\$home|--no-preserve-root)|`+imperative+`(run|execute)\s+drop\s+(table|database)\b|\bmkfs\b|\bdd if=|\bformat (the )?(disk|drive)\b|\b(truncate|delete) (all|every) (files|rows|tables|records)\b|\bdelete_all_files\b`,
		"It tells the AI model to run a destructive command.").negated(),
	rule("force-push", ClassHarmful, 1, []string{"force"},
		`\bforce[- ]push(es|ing)?\b(\s+\w+){0,3}?\s+(to\s+)?(main|master|the default branch|production)\b|\bgit push\s+(-f|--force)\b(\s+\S+){0,2}?\s+(main|master)\b`,
		"It tells the AI model to overwrite the main branch's history."),
	rule("destroy-data", ClassHarmful, 1, []string{"delete", "drop", "remove", "wipe", "erase", "destroy", "purge"},
		`\b(delete|drop|remove|wipe|erase|destroy|purge)\s+(the\s+|all\s+)?(\w+\s+){0,2}?(production|prod|live)\s+(\w+\s+)?(database|db|backups?|data|cluster|bucket|tables?)\b|\b(delete|wipe|erase|purge|destroy)\s+(all\s+)?(the\s+)?(\w+\s+)?(backups|snapshots)\b`,
		"It tells the AI model to destroy data or backups.").negated(),
	rule("weaken-security", ClassHarmful, 1, []string{"disable", "turn off", "deactivate", "bypass", "stop", "remove", "protected branch"},
		`\b(push|commit)\b`+clause+`{0,20}?\b(directly )?(to|into) the protected branch\b|\b(disable|turn off|deactivate|bypass)\s+(the\s+)?(\w+\s+){0,2}?(two-factor|2fa|mfa|multi-factor|two factor|firewall|antivirus|defender|selinux|apparmor|gatekeeper|audit log(ging)?|code signing|signature (checks?|verification))\b`,
		"It tells the AI model to turn off a security protection.").negated(),
	rule("kill-process", ClassHarmful, 0.6, []string{"kill", "terminate"},
		`\b(kill|terminate)\s+(the|all|every|any)\s+(\w+\s+){0,4}?process(es)?\b`,
		"It tells the AI model to stop processes.").and("process"),
	rule("tls-off", ClassHarmful, 0.6, []string{"tls", "ssl", "certificate", "cert", "verify"},
		`node_tls_reject_unauthorized\s*=\s*0|\b(disable|skip|turn off|ignore)\s+(\w+\s+){0,2}?(tls|ssl|certificate|cert)\s+(verification|validation|checks?|errors)\b|\bverify\s*=\s*false\b`,
		"It tells the AI model to turn off secure connections."),
	rule("every-request", ClassHarmful, 0.4, []string{"all", "each", "every", "production"},
		`\b(for|on) all (subsequent |future )?(requests|calls|connections)\b|\bto production\b|\bafter (each|every) (push|commit|call|request)\b`,
		"It asks for a change that applies to everything that follows.").and("request", "call", "connection", "production", "push", "commit"),
	rule("make-public", ClassHarmful, 0.6, []string{"public"},
		`\b(set|make|change)\s+(the\s+)?(repository|repo|bucket|project)\b`+clause+`{0,30}?\bpublic\b`,
		"It tells the AI model to make private data public."),
	rule("system-file", ClassHarmful, 0.6, []string{"/etc/", "crontab", "bashrc", "zshrc", "/.profile", "bash_profile"},
		`/etc/(resolv\.conf|hosts|sudoers|crontab|profile)\b|\bcrontab\b|~/\.(bashrc|zshrc|profile|bash_profile)\b`,
		"It mentions a system file that controls the whole machine."),
}

// untrustedIndex accepts a package index URL unless it is the official one.
func untrustedIndex(text string, m []int) bool {
	for g := 2; g+1 < len(m); g += 2 {
		if m[g] < 0 {
			continue
		}
		raw := text[m[g]:m[g+1]]
		if !strings.HasPrefix(raw, "http") {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil {
			return true
		}
		switch strings.TrimPrefix(u.Hostname(), "www.") {
		case "pypi.org", "files.pythonhosted.org", "registry.npmjs.org", "registry.yarnpkg.com", "proxy.golang.org", "crates.io", "rubygems.org":
			return false
		}
		return true
	}
	return false
}

// negation is a word that turns the order after it into advice or a description.
var negation = lazyRegexp(`\b(not|never|no|don't|dont|doesn't|won't|cannot|can't|without|avoid|nor)\b`)

// negatedAt reports whether the clause holding text[at] says "not" (or the like) before at.
func negatedAt(text string, at int) bool {
	start := clauseStart(text, at)
	return negation().MatchString(text[start:at])
}

// clauseStart is the index after the last sentence end before at (see clause).
func clauseStart(text string, at int) int {
	for i := at - 1; i > 0; i-- {
		switch text[i] {
		case ';', '!', '?', ':', '\n':
			return i + 1
		case '.':
			if i+1 < len(text) && (text[i+1] == ' ' || text[i+1] == '\n') {
				return i + 1
			}
		}
	}
	return 0
}

// clauseEnd is the index of the sentence end after at, or len(text).
func clauseEnd(text string, at int) int {
	for i := at; i < len(text); i++ {
		switch text[i] {
		case ';', '!', '?', ':', '\n':
			return i
		case '.':
			if i+1 >= len(text) || text[i+1] == ' ' || text[i+1] == '\n' {
				return i
			}
		}
	}
	return len(text)
}

// fileAccess is a verb that reads, sends or changes a file, in the languages payloads use.
var fileAccess = lazyRegexp(`\b(read|cat|open|load|send|upload|pass|include|copy|attach|show|print|overwrite|delete|remove|wipe|erase|append|store|put|paste|obtain|get|fetch|retrieve|access|list|lies|lese|lire|lis|leer|lee|envoie|sende|envia|provide|share|extract|contents of)\b|读取|读|打开|发送`)

// offLimits is a word that says a path is refused, not wanted.
var offLimits = lazyRegexp(`\b(reject|rejected|refuse|refused|block|blocked|deny|denied|forbidden|disallowed|excluded|not allowed|never|not|cannot|can't)\b`)

// sensitiveOffLimits reports a private file named in a clause that refuses it: "hidden
// config directories (e.g. ~/.ssh) are rejected" describes a safeguard.
func sensitiveOffLimits(text string, at int) bool {
	return offLimits().MatchString(text[clauseStart(text, at):clauseEnd(text, at)])
}

// sensitiveAccess turns a mention of a private file into an order when the same clause
// reads or sends it and does not negate the verb: "read ~/.ssh/id_rsa and pass it" flags,
// "never reads ~/.ssh" does not.
func sensitiveAccess(text string, at int) bool {
	start, end := clauseStart(text, at), clauseEnd(text, at)
	c := text[start:end]
	loc := fileAccess().FindStringIndex(c)
	if loc == nil {
		return false
	}
	return !negation().MatchString(c[:loc[0]])
}

// fileWrite is a verb that changes a file.
var fileWrite = lazyRegexp(`\b(add|append|write|echo|modify|edit|change|replace|overwrite|insert|put)\b`)

// systemFileWrite reports an order in the clause around at to change a system file.
func systemFileWrite(text string, at int) bool {
	c := text[clauseStart(text, at):clauseEnd(text, at)]
	loc := fileWrite().FindStringIndex(c)
	return loc != nil && !negation().MatchString(c[:loc[0]])
}

// matchReason fills a rule's reason with the matched text, cleaned for a person.
func matchReason(r scanRule, matched string) string {
	if !strings.Contains(r.reason, "%s") {
		return r.reason
	}
	if r.name == "hidden-tag" {
		matched = strings.NewReplacer("/", "", " ", "").Replace(strings.ToUpper(matched))
	} else {
		matched = strings.Trim(matched, " /'\"`(")
	}
	return fmt.Sprintf(r.reason, matched)
}
