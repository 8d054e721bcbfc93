-- A contact's card page (facts, companies, relationships, files, custom fields, timeline)
-- for ids spread over the generated range BENCH_ID_MIN..BENCH_ID_MAX.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("RAPPORT_TOKEN"), "RAPPORT_TOKEN not set")
local low = tonumber(os.getenv("BENCH_ID_MIN") or "1")
local high = tonumber(os.getenv("BENCH_ID_MAX") or "1000")
local seed = tonumber(os.getenv("BENCH_SALT") or "1")
local n = 0
request = function()
   n = n + 1
   local id = low + ((n * 7919 + seed * 104729) % (high - low + 1))
   return wrk.format(nil, "/clients/contacts/" .. id)
end
