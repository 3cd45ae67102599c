-- wrk script: count answers other than the expected one (200, or
-- BENCH_EXPECT_STATUS: 303 for a form POST) so a run of redirects or error
-- pages is refused instead of reported (wrk itself only flags >= 400).
-- BENCH_METHOD / BENCH_BODY turn every request into a POST of that body.
local threads = {}
local expect = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "200")
if os.getenv("BENCH_METHOD") then
  wrk.method = os.getenv("BENCH_METHOD")
  wrk.body = os.getenv("BENCH_BODY") or ""
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= expect then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
  end
  io.write(string.format("BAD_STATUS %d\n", total))
end
