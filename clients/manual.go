package clients

// ManualClient is an AI app that keeps its MCP servers inside the app, with no file MCP Tray
// could write: the person adds MCP Tray's servers there by hand, each as the mcptray program
// with the arguments `connect NAME`. `client list` shows these apps so they are not missing,
// and never as switched on.
type ManualClient struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// How says where in the app a server is added, as one sentence.
	How string `json:"how"`
}

// manual are the apps known to keep their servers inside the app (December 2026): Warp stores
// them in its own database (docs.warp.dev "Model Context Protocol"), BoltAI in its app data
// (docs.boltai.com "MCP Servers"), JetBrains AI Assistant in the IDE's settings
// (jetbrains.com/help/ai-assistant "Model Context Protocol").
var manual = []ManualClient{
	{ID: "warp", Name: "Warp", How: "In Warp, open Settings > AI > Manage MCP servers, press + Add and give the mcptray program with the arguments connect NAME."},
	{ID: "boltai", Name: "BoltAI", How: "In BoltAI, open Settings > Plugins > MCP Servers and add a server that runs the mcptray program with the arguments connect NAME."},
	{ID: "jetbrains-ai", Name: "JetBrains AI Assistant", How: "In the JetBrains IDE, open Settings > Tools > AI Assistant > Model Context Protocol (MCP), add a server and give the mcptray program with the arguments connect NAME."},
}

// Manual returns the apps whose servers are added by hand. The slice is new on each call.
func Manual() []ManualClient { return append([]ManualClient(nil), manual...) }
