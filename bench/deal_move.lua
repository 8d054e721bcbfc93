-- POST /api/v1/deals/{id}/move: each request moves another generated deal (BENCH_FIRST_ID …
-- + BENCH_DEALS) from the stage it was generated in (BENCH_STAGES, comma-separated, in turn)
-- to the next one of them — the gate is judged, the stay recorded, the event written and the
-- stage's entry tasks made. A thread walks its own stretch of deals from a per-run offset.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
local token = assert(os.getenv("RAPPORT_TOKEN"), "RAPPORT_TOKEN not set")
local first = tonumber((assert(os.getenv("BENCH_FIRST_ID"), "BENCH_FIRST_ID not set")))
local count = tonumber((assert(os.getenv("BENCH_DEALS"), "BENCH_DEALS not set")))
local stages = {}
for id in string.gmatch(assert(os.getenv("BENCH_STAGES"), "BENCH_STAGES not set"), "[^,]+") do stages[#stages + 1] = id end
local salt = tonumber(os.getenv("BENCH_SALT") or "0")

local threads = 0
function setup(thread)
   threads = threads + 1
   thread:set("tid", threads)
end

local counter = 0
function request()
   counter = counter + 1
   local index = (salt * 7919 + (tid or 0) * 25013 + counter) % count
   local target = stages[((index + 1) % #stages) + 1]
   return wrk.format("POST", "/api/v1/deals/" .. (first + index) .. "/move", {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
   }, '{"stage_id":' .. target .. '}')
end
