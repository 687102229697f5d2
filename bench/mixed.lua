-- wrk script: a weighted mix of routes, some signed in, and a JSON summary at the end.
--
-- wrk -t2 -c32 -d10s -s bench/mixed.lua http://127.0.0.1:8000 -- <token> <path> [<path> ...]
-- Each <path> may start with "auth:" to send the bearer token. With no paths, "/" only.

local token = ""
local routes = {}
local counter = 0

function init(args)
  token = args[1] or ""
  for i = 2, #args do
    local path = args[i]
    local headers = {}
    if string.sub(path, 1, 5) == "auth:" then
      path = string.sub(path, 6)
      headers["Authorization"] = "Bearer " .. token
    end
    table.insert(routes, wrk.format("GET", path, headers))
  end
  if #routes == 0 then
    table.insert(routes, wrk.format("GET", "/"))
  end
end

function request()
  counter = counter + 1
  return routes[(counter % #routes) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"status_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
