-- Authenticated POST /api/v1/departments with {"name":"Bench <n>"}; n is unique across
-- threads and runs: <n> is "<per-run salt>-<thread>-<counter>".
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
local token = assert(os.getenv("RAPPORT_TOKEN"), "RAPPORT_TOKEN not set")
local salt = os.getenv("BENCH_SALT") or "0"

local threads = 0
function setup(thread)
   threads = threads + 1
   thread:set("tid", threads)
end

local counter = 0
function request()
   counter = counter + 1
   local body = string.format('{"name":"Bench %s-%d-%d"}', salt, tid or 0, counter)
   return wrk.format("POST", nil, {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
   }, body)
end
