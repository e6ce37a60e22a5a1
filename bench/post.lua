-- wrk script: POST the benchmark's queries round robin (SPARQL 1.1 Protocol, form-encoded).
-- BENCH_REQUESTS names a file of lines "ACCEPT<TAB>BODY" (BODY already form-encoded: query=...);
-- BENCH_PATH is the endpoint's path; BENCH_UNIQUE=1 starts each query with a PREFIX declaration
-- holding BENCH_SALT (new for each run) and a counter (never used), so that no two requests are the
-- same query, even in a normal form without comments and extra whitespace, nor the same as one of an
-- earlier run (whose counter began at 1 too), and no result cache can answer them. BENCH_ACCEPT_ENCODING,
-- when set, is sent as Accept-Encoding. BENCH_TOTAL, when set, makes the run a fixed amount of work: that
-- many requests are sent in all (the connections that find none left wait) and the run stops at the
-- last answer, so that its duration is the time the target took for them. Without BENCH_REQUESTS, wrk
-- GETs its URL (with its -H headers) and this script only reports, as for every run, one BENCH_JSON line.
local file = os.getenv("BENCH_REQUESTS")
if file then
  local requests = {}
  for line in io.lines(file) do
    local accept, body = line:match("^([^\t]*)\t(.*)$")
    table.insert(requests, { accept = accept, body = body })
  end
  local path = os.getenv("BENCH_PATH")
  local unique = os.getenv("BENCH_UNIQUE") == "1"
  local salt = os.getenv("BENCH_SALT") or ""
  local accept_encoding = os.getenv("BENCH_ACCEPT_ENCODING")
  local counter = 0

  request = function()
    counter = counter + 1
    local chosen = requests[(counter - 1) % #requests + 1]
    local body = chosen.body
    if unique then
      body = "query=PREFIX+u" .. salt .. "_" .. counter .. "%3A+%3Curn%3Au%3A%3E%0A" .. body:sub(#"query=" + 1)
    end
    local headers = {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Accept"] = chosen.accept,
    }
    if accept_encoding then
      headers["Accept-Encoding"] = accept_encoding
    end
    return wrk.format("POST", path, headers, body)
  end

  local total = tonumber(os.getenv("BENCH_TOTAL") or "")
  if total then
    local reserved, answered = 0, 0
    -- wrk asks delay() before each request() of a connection: a request is reserved here, so that no
    -- more than BENCH_TOTAL are sent; a connection that finds none left waits past the end of the run.
    delay = function()
      if reserved < total then
        reserved = reserved + 1
        return 0
      end
      return 24 * 3600 * 1000
    end
    -- wrk's main thread ends a run after -d seconds, or on SIGINT: at the last answer this thread stops,
    -- and a shell sends wrk SIGINT until it has ended. The first is sent once this thread is likely gone,
    -- as a thread that is still running may take the signal instead of the main thread, which then
    -- sleeps on. (Not os.execute: system() ignores SIGINT while it waits.)
    local wrk_pid = io.open("/proc/self/stat"):read("*n")
    response = function()
      answered = answered + 1
      if answered == total then
        wrk.thread:stop()
        io.popen("(sleep 0.05; while kill -INT " .. wrk_pid .. "; do sleep 0.5; done) </dev/null >/dev/null 2>&1 &"):close()
      end
    end
  end
end

done = function(summary, latency, _)
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "p50_us": %d, "p95_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.timeout,
    summary.errors.connect, summary.errors.read, latency:percentile(50), latency:percentile(95)))
end
