#!/bin/sh
# A shell-only agent: no SDK, no WebSocket, just curl against the sidecar's HTTP surface.
#
#     phasegate run --title "Look around" -- sh examples/curl-agent.sh
#
# `phasegate run` puts PHASEGATE_HTTP_URL, PHASEGATE_AGENT_KEY and PHASEGATE_PHASE_TOKEN in
# the environment. Each tool call is one POST /api/v1/tools/execute:
#   200 {"result": …}                     the call ran
#   403 {"error": {"reason", "message"}}  the contract or the token refused it (nothing ran)
#   401                                   wrong agent key
# It reads a file (allowed in PLAN), then tries to write source code in PLAN and shows the 403.
set -eu

: "${PHASEGATE_HTTP_URL:?run me under phasegate run}"
: "${PHASEGATE_AGENT_KEY:?run me under phasegate run}"
: "${PHASEGATE_PHASE_TOKEN:?run me under phasegate run}"

body_file=$(mktemp)
trap 'rm -f "$body_file"' EXIT

# call TOOL ARGS_JSON → prints "HTTP <status> <body>", returns 0; the status is in $status.
call() {
  status=$(curl -sS -o "$body_file" -w '%{http_code}' \
    -H "Authorization: Bearer $PHASEGATE_AGENT_KEY" \
    -H 'Content-Type: application/json' \
    --data "{\"phase_token\":\"$PHASEGATE_PHASE_TOKEN\",\"tool_name\":\"$1\",\"args\":$2}" \
    "$PHASEGATE_HTTP_URL/api/v1/tools/execute")
  echo "[curl-agent] $1 $2 → HTTP $status $(head -c 300 "$body_file")" >&2
}

call read_file '{"path":"package.json"}'
[ "$status" = 200 ] || { echo "[curl-agent] FAILED: reading package.json should be allowed" >&2; exit 1; }

call write_file '{"path":"src/hack.js","content":"process.exit(0)"}'
[ "$status" = 403 ] || { echo "[curl-agent] FAILED: writing source in PLAN should be refused" >&2; exit 1; }
grep -q '"path_not_permitted"' "$body_file" || { echo "[curl-agent] FAILED: expected reason path_not_permitted" >&2; exit 1; }

echo "[curl-agent] done: the read was served, the write was refused with 403 path_not_permitted" >&2
