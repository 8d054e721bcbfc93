-- A client's timeline: BENCH_KIND "page" is the company card (its interactions and tasks
-- cards among the rest), "api" the interactions API for the company; companies spread over
-- BENCH_ID_MIN..BENCH_ID_MAX, as the administrator (RAPPORT_TOKEN), who may read them all.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("RAPPORT_TOKEN"), "RAPPORT_TOKEN not set")
local low = tonumber(os.getenv("BENCH_ID_MIN") or "1")
local high = tonumber(os.getenv("BENCH_ID_MAX") or "1000")
local api = os.getenv("BENCH_KIND") == "api"
local seed = tonumber(os.getenv("BENCH_SALT") or "1")
local n = 0
request = function()
   n = n + 1
   local id = low + ((n * 7919 + seed * 104729) % (high - low + 1))
   if api then
      return wrk.format(nil, "/api/v1/interactions?view=all&link_entity=company&link_id=" .. id .. "&limit=20")
   end
   return wrk.format(nil, "/clients/companies/" .. id)
end
