#!/usr/bin/env bash
# dump.sh captures the tools/list result of each published server below into ../real/NAME.json
# with capture.mjs. Each runs from npm with placeholder credentials (listing tools needs none
# of these servers to log in) in a throwaway HOME. Usage: ./dump.sh [NAME...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../real"
# name | package@version | env (space-separated K=V) | extra arguments
servers='
brave-search|@modelcontextprotocol/server-brave-search@0.6.2|BRAVE_API_KEY=placeholder|
slack|@modelcontextprotocol/server-slack@2025.4.25|SLACK_BOT_TOKEN=xoxb-placeholder SLACK_TEAM_ID=T0000|
gitlab|@modelcontextprotocol/server-gitlab@2025.4.25|GITLAB_PERSONAL_ACCESS_TOKEN=placeholder|
google-maps|@modelcontextprotocol/server-google-maps@0.6.2|GOOGLE_MAPS_API_KEY=placeholder|
postgres|@modelcontextprotocol/server-postgres@0.6.2||postgresql://localhost:1/none
redis|@modelcontextprotocol/server-redis@2025.4.25||redis://localhost:1
everart|@modelcontextprotocol/server-everart@0.6.2|EVERART_API_KEY=placeholder|
aws-kb-retrieval|@modelcontextprotocol/server-aws-kb-retrieval@0.6.2|AWS_ACCESS_KEY_ID=placeholder AWS_SECRET_ACCESS_KEY=placeholder AWS_REGION=us-east-1|
firecrawl|firecrawl-mcp@3.26.0|FIRECRAWL_API_KEY=fc-placeholder|
tavily|tavily-mcp@0.2.22|TAVILY_API_KEY=tvly-placeholder|
exa|exa-mcp-server@3.4.1|EXA_API_KEY=placeholder|
desktop-commander|@wonderwhy-er/desktop-commander@0.2.52||
kubernetes|mcp-server-kubernetes@4.1.7||
mongodb|mongodb-mcp-server@3.0.4|MDB_MCP_TELEMETRY=disabled|
chrome-devtools|chrome-devtools-mcp@1.11.0||
stripe|@stripe/mcp@0.3.3||--tools=all --api-key=sk_test_placeholder
neon|@neondatabase/mcp-server-neon@0.6.5||start placeholder
browserbase|@browserbasehq/mcp-server-browserbase@2.4.3|BROWSERBASE_API_KEY=placeholder BROWSERBASE_PROJECT_ID=placeholder|
antv-chart|@antv/mcp-server-chart@0.9.10||
azure-devops|@azure-devops/mcp@2.10.0||placeholder-org
supabase|@supabase/mcp-server-supabase@0.13.0|SUPABASE_ACCESS_TOKEN=sbp_placeholder|
heroku|@heroku/mcp-server@1.2.8|HEROKU_API_KEY=placeholder|
circleci|@circleci/mcp-server-circleci@0.20.0|CIRCLECI_TOKEN=placeholder|
hubspot|@hubspot/mcp-server@0.4.0|PRIVATE_APP_ACCESS_TOKEN=placeholder|
elasticsearch|@elastic/mcp-server-elasticsearch@0.3.1|ES_URL=http://localhost:1 ES_API_KEY=placeholder|
agent-infra-filesystem|@agent-infra/mcp-server-filesystem@1.2.29||--allowed-directories /tmp
youtube-transcript|@kimtaeyoon83/mcp-server-youtube-transcript@0.1.1||
ea-playwright|@executeautomation/playwright-mcp-server@1.0.12|PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1|
webresearch|@mzxrai/mcp-webresearch@0.1.7|PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1|
mysql|@benborla29/mcp-server-mysql@2.0.9|MYSQL_HOST=127.0.0.1 MYSQL_PORT=1 MYSQL_USER=none MYSQL_PASS=none MYSQL_DB=none|
amap|@amap/amap-maps-mcp-server@0.0.8|AMAP_MAPS_API_KEY=placeholder|
jira|@aashari/mcp-server-atlassian-jira@3.3.0|ATLASSIAN_SITE_NAME=placeholder ATLASSIAN_USER_EMAIL=a@example.com ATLASSIAN_API_TOKEN=placeholder|
figma|figma-developer-mcp@0.13.2|FIGMA_API_KEY=placeholder|--stdio
pinecone|@pinecone-database/mcp@0.3.0||
shopify-dev|@shopify/dev-mcp@1.16.0||
currents|@currents/mcp@2.1.1|CURRENTS_API_KEY=placeholder|
google-docs|@a-bonus/google-docs-mcp@1.11.3||
apify|@apify/actors-mcp-server@0.16.0|APIFY_TOKEN=placeholder|
# Second held-out round (added after the first was measured; see ../SOURCES.md):
sentry|@sentry/mcp-server@0.39.0|SENTRY_ACCESS_TOKEN=placeholder|
upstash|@upstash/mcp-server@0.3.0||run placeholder@example.com placeholder
lara|@translated/lara-mcp@1.0.6|LARA_ACCESS_KEY_ID=placeholder LARA_ACCESS_KEY_SECRET=placeholder|
railway|@railway/mcp-server@0.1.12||
svelte|@sveltejs/mcp@0.1.26||
task-master|task-master-ai@0.43.1||
browser-tools|@agentdeskai/browser-tools-mcp@2.0.2||
selenium|@angiejones/mcp-selenium@0.2.3||
dc-jira|@atlassian-dc-mcp/jira@0.34.0|JIRA_HOST=jira.invalid JIRA_API_TOKEN=placeholder|
dc-confluence|@atlassian-dc-mcp/confluence@0.34.0|CONFLUENCE_HOST=confluence.invalid CONFLUENCE_API_TOKEN=placeholder|
bitbucket|@aashari/mcp-server-atlassian-bitbucket@3.1.0|ATLASSIAN_USER_EMAIL=a@example.com ATLASSIAN_API_TOKEN=placeholder|
dokploy|@ahdev/dokploy-mcp@1.6.0|DOKPLOY_URL=http://localhost:1 DOKPLOY_API_KEY=placeholder|
lunchmoney|@akutishevsky/lunchmoney-mcp@3.0.0|LUNCHMONEY_TOKEN=placeholder|
memory-bank|@allpepper/memory-bank-mcp@0.2.2|MEMORY_BANK_ROOT=/tmp|
paperless|@baruchiro/paperless-mcp@2.2.1||http://localhost:1 placeholder
accesslint|@accesslint/mcp@0.11.1||
bullmq|@adamhancock/bullmq-mcp@1.0.7||
ark-ui|@ark-ui/mcp@1.3.0||
puppeteer|@modelcontextprotocol/server-puppeteer@2025.5.12|PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1|
cloudflare|@cloudflare/mcp-server-cloudflare@0.2.0||run placeholder
'
want=" $* "
echo "$servers" | while IFS='|' read -r name pkg env args; do
  [ -z "$name" ] || [[ "$name" == \#* ]] && continue
  [ $# -gt 0 ] && [[ "$want" != *" $name "* ]] && continue
  [ -s "$out/$name.json" ] && continue
  home=$(mktemp -d)
  echo "== $name ($pkg)" >&2
  # shellcheck disable=SC2086
  if env -i PATH="$PATH" HOME="$home" CAPTURE_TIMEOUT_S="${CAPTURE_TIMEOUT_S:-120}" npm_config_cache="${NPM_CACHE:-$HOME/.npm}" $env \
      timeout $(( ${CAPTURE_TIMEOUT_S:-120} + 60 )) node "$here/capture.mjs" npx -y "$pkg" $args >"$out/$name.json.tmp" 2>"$out/$name.err"; then
    mv "$out/$name.json.tmp" "$out/$name.json"; rm -f "$out/$name.err"
  else
    echo "   failed: $(tail -c 300 "$out/$name.err")" >&2
    rm -f "$out/$name.json.tmp"
  fi
  rm -rf "$home"
done
