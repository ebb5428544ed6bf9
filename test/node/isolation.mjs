// Real MCP clients (the official TypeScript SDK), each with its own capabilities, on one
// shared server: what each one sees must be its own. Usage:
//   node isolation.mjs SCENARIO -- COMMAND [ARGS...]
// Each client spawns its own COMMAND (`mcptray connect NAME`), as separate AI apps would. The
// script prints one JSON document on stdout; "problems" lists everything that went wrong.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  CreateTaskResultSchema,
  GetTaskResultSchema,
  ListTasksResultSchema,
  TaskStatusNotificationSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

const dash = process.argv.indexOf("--");
if (dash < 0) {
  console.error("usage: node isolation.mjs SCENARIO -- COMMAND [ARGS...]");
  process.exit(2);
}
const [scenario] = process.argv.slice(2, dash);
const [command, ...args] = process.argv.slice(dash + 1);

const problems = [];
const problem = (s) => {
  if (problems.length < 50) problems.push(s);
};

// connect starts client-I with the given capabilities. It answers sampling with its own name,
// elicitation by accepting with its own name, and roots with c.roots, so that an answer
// that came from the wrong app shows in the result. It counts what it was asked.
async function connect(i, capabilities, roots = []) {
  const name = `client-${i}`;
  const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
  const client = new Client({ name, version: "1.0.0" }, { capabilities });
  const c = { i, name, client, roots, asked: { sampling: 0, elicitation: 0, roots: 0 }, listChanged: 0 };
  if (capabilities.sampling) {
    client.setRequestHandler(CreateMessageRequestSchema, async () => {
      c.asked.sampling++;
      return { model: name, role: "assistant", content: { type: "text", text: `sampled by ${name}` } };
    });
  }
  if (capabilities.elicitation) {
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      c.asked.elicitation++;
      if (req.params.mode === "url") return { action: "accept" };
      return { action: "accept", content: { name } };
    });
  }
  if (capabilities.roots) {
    client.setRequestHandler(ListRootsRequestSchema, async () => {
      c.asked.roots++;
      return { roots: c.roots };
    });
  }
  client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
    c.listChanged++;
  });
  c.taskStatus = [];
  client.setNotificationHandler(TaskStatusNotificationSchema, async (n) => {
    c.taskStatus.push(n.params.taskId);
  });
  // server-everything sends an operation's last progress notification after its result:
  // progress for a token this client used itself is late, not misrouted.
  const tokens = new Set();
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    const token = message?.params?._meta?.progressToken;
    if (token !== undefined) tokens.add(token);
    return send(message, options);
  };
  client.onerror = (err) => {
    const m = String(err?.message ?? err);
    const late = m.match(/unknown token: (.*)$/s);
    try {
      if (late && tokens.has(JSON.parse(late[1]).params.progressToken)) {
        c.late = (c.late ?? 0) + 1;
        return;
      }
    } catch {}
    problem(`${name}: ${m}`);
  };
  await client.connect(transport);
  return c;
}

const text = (res) => (res?.content ?? []).map((x) => x.text ?? "").join("\n");

// outcome calls a tool and returns what the app saw: the result's text, or the error.
async function outcome(c, tool, args = {}) {
  try {
    const res = await c.client.callTool({ name: tool, arguments: args }, undefined, { timeout: 60000 });
    return (res.isError ? "error: " : "") + text(res);
  } catch (err) {
    return `error: ${err?.message ?? err}`;
  }
}

// whileBusy runs fn while client c has a long call running at the server.
async function whileBusy(c, fn) {
  let started;
  const first = new Promise((resolve) => (started = resolve));
  const running = c.client.callTool(
    { name: "trigger-long-running-operation", arguments: { duration: 2, steps: 4 } },
    undefined,
    { onprogress: () => started(), timeout: 60000 },
  );
  await first;
  const out = await fn();
  await running;
  return out;
}

const toolNames = async (c) => (await c.client.listTools()).tools.map((t) => t.name);
const waitFor = async (cond, ms) => {
  const until = Date.now() + ms;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
};

const out = {};
let clients = [];
try {
  switch (scenario) {
    case "sampling": {
      // client-0 can sample, client-1 cannot. client-1's sampling must never reach
      // client-0's model, whether or not client-0 is busy.
      clients = [await connect(0, { sampling: {} }), await connect(1, {})];
      const [c0, c1] = clients;
      out.busy = await whileBusy(c0, () => outcome(c1, "trigger-sampling-request", { prompt: "from client-1", maxTokens: 5 }));
      out.alone = await outcome(c1, "trigger-sampling-request", { prompt: "from client-1", maxTokens: 5 });
      out.own = await outcome(c0, "trigger-sampling-request", { prompt: "from client-0", maxTokens: 5 });
      out.asked = clients.map((c) => c.asked.sampling);
      break;
    }
    case "elicitation": {
      // client-0 answers form elicitation, client-1 cannot, client-2 answers URL elicitation.
      clients = [await connect(0, { elicitation: {} }), await connect(1, {}), await connect(2, { elicitation: { url: {} } })];
      const [c0, c1, c2] = clients;
      out.busy = await whileBusy(c0, () => outcome(c1, "trigger-elicitation-request"));
      out.alone = await outcome(c1, "trigger-elicitation-request");
      out.own = await outcome(c0, "trigger-elicitation-request");
      out.urlTools = (await toolNames(c2)).filter((n) => n === "trigger-url-elicitation");
      out.url = await outcome(c2, "trigger-url-elicitation", { url: "https://example.com/consent" });
      out.urlRefused = await outcome(c0, "trigger-url-elicitation", { url: "https://example.com/consent" });
      out.asked = clients.map((c) => c.asked.elicitation);
      break;
    }
    case "roots": {
      // Each app has its own roots; client-2 has none. Each asks the server for its roots,
      // then client-0 changes its roots and asks again.
      clients = [
        await connect(0, { roots: { listChanged: true } }, [{ uri: "file:///zero", name: "zero" }]),
        await connect(1, { roots: { listChanged: true } }, [{ uri: "file:///one", name: "one" }]),
        await connect(2, {}),
      ];
      const [c0, c1, c2] = clients;
      out.first = [await outcome(c0, "get-roots-list"), await outcome(c1, "get-roots-list"), await outcome(c2, "get-roots-list")];
      c0.roots = [{ uri: "file:///zero-again", name: "zero-again" }];
      await c0.client.sendRootsListChanged();
      out.changed = [await outcome(c0, "get-roots-list"), await outcome(c1, "get-roots-list")];
      break;
    }
    case "listchanged": {
      // The tool list change server-everything announces once initialized reaches each app.
      clients = [await connect(0, {}), await connect(1, { sampling: {} })];
      await waitFor(() => clients.every((c) => c.listChanged > 0), 5000);
      out.listChanged = clients.map((c) => c.listChanged);
      break;
    }
    case "toollist": {
      // client-1 cannot sample. Once a call showed that trigger-sampling-request samples,
      // client-1's tool list no longer offers it (and client-1 hears the list changed);
      // client-0's still does.
      clients = [await connect(0, { sampling: {} }), await connect(1, {})];
      const [c0, c1] = clients;
      const has = async (c) => (await toolNames(c)).includes("trigger-sampling-request");
      out.before = [await has(c0), await has(c1)];
      await waitFor(() => c1.listChanged > 0, 5000); // the server's own, once initialized
      const heard = c1.listChanged;
      out.call = await outcome(c1, "trigger-sampling-request", { prompt: "from client-1", maxTokens: 5 });
      await waitFor(() => c1.listChanged > heard, 5000);
      out.told = c1.listChanged - heard;
      out.after = [await has(c0), await has(c1)];
      out.own = await outcome(c0, "trigger-sampling-request", { prompt: "from client-0", maxTokens: 5 });
      break;
    }
    case "tasks": {
      // client-0 runs a tool as a task. client-1 must not see it: not in tasks/list, not in
      // status notifications, not through tasks/get or tasks/result.
      clients = [await connect(0, {}), await connect(1, {})];
      const [c0, c1] = clients;
      const created = await c0.client.request(
        { method: "tools/call", params: { name: "simulate-research-query", arguments: { topic: "zero" }, task: { ttl: 60000 } } },
        CreateTaskResultSchema,
      );
      const id = created.task.taskId;
      const list = async (c) => (await c.client.request({ method: "tasks/list", params: {} }, ListTasksResultSchema)).tasks.map((t) => t.taskId);
      const tryGet = async (c, method, schema) => {
        try {
          await c.client.request({ method, params: { taskId: id } }, schema);
          return "answered";
        } catch (err) {
          return `error: ${err?.message ?? err}`;
        }
      };
      out.othersList = await list(c1);
      out.ownList = (await list(c0)).filter((t) => t === id).length;
      out.othersGet = await tryGet(c1, "tasks/get", GetTaskResultSchema);
      out.othersResult = await tryGet(c1, "tasks/result", CallToolResultSchema);
      for (const until = Date.now() + 30000; Date.now() < until; ) {
        const t = await c0.client.request({ method: "tasks/get", params: { taskId: id } }, GetTaskResultSchema);
        if (t.status === "completed" || t.status === "failed") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const res = await c0.client.request({ method: "tasks/result", params: { taskId: id } }, CallToolResultSchema);
      out.ownResult = text(res).slice(0, 40);
      out.ownStatus = c0.taskStatus.filter((t) => t === id).length;
      out.othersStatus = c1.taskStatus.length;
      break;
    }
    case "greet": {
      // Legacy clients (this SDK speaks 2025-11-25) on a modern-only server: client-0 can
      // answer elicitation, client-1 cannot.
      clients = [await connect(0, { elicitation: {} }), await connect(1, {})];
      const [c0, c1] = clients;
      out.version = c0.client.getServerVersion()?.name ?? "";
      out.tools = (await toolNames(c0)).sort();
      out.echo = await outcome(c0, "echo", { text: "legacy" });
      out.greet = await outcome(c0, "greet");
      out.refused = await outcome(c1, "greet");
      out.asked = clients.map((c) => c.asked.elicitation);
      break;
    }
    case "progress": {
      // One app calls a tool that reports the progress token it was given.
      clients = [await connect(0, {})];
      let progress = 0;
      const res = await clients[0].client.callTool({ name: "token", arguments: {} }, undefined, { onprogress: () => progress++ });
      out.token = text(res);
      out.progress = progress;
      out.late = clients[0].late ?? 0;
      break;
    }
    default:
      throw new Error("unknown scenario " + scenario);
  }
} catch (err) {
  problem(`failed: ${err?.stack ?? err}`);
}
out.problems = problems;
process.stdout.write(JSON.stringify(out) + "\n");
await Promise.all(clients.map((c) => c.client.close().catch(() => {})));
process.exit(0);
