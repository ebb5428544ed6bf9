// A real MCP client (the official TypeScript SDK) that the Go tests and benchmarks drive.
// Usage: node client.mjs SCENARIO [ARG...] -- COMMAND [ARGS...]
// It spawns COMMAND over stdio (a server directly, or `mcptray connect NAME`), runs the
// scenario and prints one JSON document on stdout.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

const dash = process.argv.indexOf("--");
if (dash < 0) {
  console.error("usage: node client.mjs SCENARIO [ARG...] -- COMMAND [ARGS...]");
  process.exit(2);
}
const [scenario, ...scenarioArgs] = process.argv.slice(2, dash);
const [command, ...args] = process.argv.slice(dash + 1);

const t0 = process.hrtime.bigint();
const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
const client = new Client(
  { name: "mcptray-test-client", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } },
);
const served = { sampling: 0, elicitation: 0, roots: 0 };
client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
  served.sampling++;
  const first = req.params.messages[0]?.content;
  return { model: "test-model", role: "assistant", content: { type: "text", text: "sampled: " + (first?.text ?? "") } };
});
client.setRequestHandler(ElicitRequestSchema, async () => {
  served.elicitation++;
  return { action: "accept", content: { color: "blue", name: "Test", check: true, number: 7 } };
});
client.setRequestHandler(ListRootsRequestSchema, async () => {
  served.roots++;
  return { roots: [{ uri: "file:///tmp", name: "tmp" }] };
});

const out = {};
try {
  await client.connect(transport);
  switch (scenario) {
    case "tools": {
      out.tools = (await client.listTools()).tools;
      out.startupMs = Number(process.hrtime.bigint() - t0) / 1e6;
      break;
    }
    case "call": {
      // Like real clients, list the tools before calling one.
      const [name, json] = scenarioArgs;
      await client.listTools();
      out.result = await client.callTool({ name, arguments: JSON.parse(json ?? "{}") }, undefined, { timeout: 120000 });
      break;
    }
    case "everything": {
      out.tools = (await client.listTools()).tools;
      const names = new Set(out.tools.map((t) => t.name));
      out.echo = await client.callTool({ name: "echo", arguments: { message: "hello through MCP Tray ✓" } });
      out.sum = await client.callTool({ name: "get-sum", arguments: { a: 2, b: 40 } });
      out.image = await client.callTool({ name: "get-tiny-image", arguments: {} });
      out.structured = await client.callTool({ name: "get-structured-content", arguments: { location: "New York" } });
      const resources = await client.listResources();
      out.resourceCount = resources.resources.length;
      if (resources.resources.length > 0) {
        out.resource = await client.readResource({ uri: resources.resources[0].uri });
      }
      out.templates = (await client.listResourceTemplates()).resourceTemplates;
      const prompts = await client.listPrompts();
      out.prompts = prompts.prompts;
      const simple = prompts.prompts.find((p) => !(p.arguments ?? []).some((a) => a.required));
      if (simple) out.prompt = await client.getPrompt({ name: simple.name, arguments: {} });
      let progress = 0;
      out.longRunning = await client.callTool(
        { name: "trigger-long-running-operation", arguments: { duration: 1, steps: 4 } },
        undefined,
        { onprogress: () => progress++ },
      );
      out.progressNotifications = progress;
      if (names.has("trigger-sampling-request")) {
        out.sampling = await client.callTool({ name: "trigger-sampling-request", arguments: { prompt: "hi", maxTokens: 10 } });
      }
      if (names.has("trigger-elicitation-request")) {
        out.elicitation = await client.callTool({ name: "trigger-elicitation-request", arguments: {} });
      }
      out.served = served;
      break;
    }
    case "latency": {
      // N sequential small calls; prints each round trip in microseconds.
      const n = Number(scenarioArgs[0] ?? 200);
      const tool = scenarioArgs[1] ?? "echo";
      const argsJSON = JSON.parse(scenarioArgs[2] ?? '{"message":"ping"}');
      for (let i = 0; i < 20; i++) await client.callTool({ name: tool, arguments: argsJSON });
      out.us = [];
      for (let i = 0; i < n; i++) {
        const s = process.hrtime.bigint();
        await client.callTool({ name: tool, arguments: argsJSON });
        out.us.push(Number(process.hrtime.bigint() - s) / 1000);
      }
      break;
    }
    default:
      throw new Error("unknown scenario " + scenario);
  }
} catch (err) {
  out.error = { message: String(err?.message ?? err), code: err?.code };
}
process.stdout.write(JSON.stringify(out) + "\n");
await client.close().catch(() => {});
process.exit(0);
