-- wrk script: POST the benchmark's queries round robin (SPARQL 1.1 Protocol, form-encoded).
-- BENCH_REQUESTS names a file of lines "ACCEPT<TAB>BODY" (BODY already form-encoded: query=...);
-- BENCH_PATH is the endpoint's path; BENCH_UNIQUE=1 starts each query with a PREFIX declaration
-- holding a counter (never used), so that no two requests are the same query, even in a normal form
-- without comments and extra whitespace, and no result cache can answer them.
local requests = {}
for line in io.lines(os.getenv("BENCH_REQUESTS")) do
  local accept, body = line:match("^([^\t]*)\t(.*)$")
  table.insert(requests, { accept = accept, body = body })
end
local path = os.getenv("BENCH_PATH")
local unique = os.getenv("BENCH_UNIQUE") == "1"
local counter = 0

request = function()
  counter = counter + 1
  local chosen = requests[(counter - 1) % #requests + 1]
  local body = chosen.body
  if unique then
    body = "query=PREFIX+u" .. counter .. "%3A+%3Curn%3Au%3A%3E%0A" .. body:sub(#"query=" + 1)
  end
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = chosen.accept,
  }, body)
end

done = function(summary, latency, _)
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "p50_us": %d, "p95_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.timeout,
    summary.errors.connect, summary.errors.read, latency:percentile(50), latency:percentile(95)))
end
