-- wrk script: count answers other than 200 so a run of redirects or error
-- pages is refused instead of reported (wrk itself only flags >= 400).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 then
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
