-- POST /api/v1/telephony/{id}/events: signed call events read from a file made beforehand
-- (bench/channels writes one event per line: "<signature>\t<json>"), the warm-up's from
-- BENCH_EVENTS_WARMUP and the measured run's from BENCH_EVENTS. Each thread sends its own
-- stretch of the file in order, so a call's events go in their order (and ~5 % are repeats).
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
local integration = assert(os.getenv("BENCH_INTEGRATION"), "BENCH_INTEGRATION not set")
local salt = os.getenv("BENCH_SALT") or "2"
local file = salt:sub(1, 1) == "1" and os.getenv("BENCH_EVENTS_WARMUP") or os.getenv("BENCH_EVENTS")
local threads_total = tonumber(os.getenv("BENCH_THREADS") or "2")

local lines = {}
local path = assert(file, "BENCH_EVENTS not set")
for line in io.lines(path) do lines[#lines + 1] = line end

local threads = 0
function setup(thread)
   thread:set("tid", threads)
   threads = threads + 1
end

local counter = 0
function request()
   -- Thread t sends lines t, t + T, t + 2T …: a call's events are on consecutive lines of one
   -- thread's share (the file is written so), so they stay in order.
   local index = (tid or 0) + counter * threads_total + 1
   counter = counter + 1
   local line = lines[((index - 1) % #lines) + 1]
   local tab = line:find("\t", 1, true)
   return wrk.format("POST", "/api/v1/telephony/" .. integration .. "/events", {
      ["Content-Type"] = "application/json",
      ["X-Rapport-Signature"] = "sha256=" .. line:sub(1, tab - 1),
   }, line:sub(tab + 1))
end
