// A small MCP server (the official TypeScript SDK) whose tool "token" reports one progress
// notification and answers with the progress token it was given, as conformance servers do:
// a relay that rewrites progress tokens must keep that invisible to the server's results.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const server = new McpServer({ name: "progress-server", version: "1.0.0" });
server.registerTool("token", { description: "Answers with the request's progress token." }, async (extra) => {
  const token = extra._meta?.progressToken;
  if (token !== undefined) {
    await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: 1, total: 1 } });
  }
  return { content: [{ type: "text", text: JSON.stringify(token ?? null) }] };
});
await server.connect(new StdioServerTransport());
