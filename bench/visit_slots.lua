-- GET /api/v1/visit-slots: free times for a measurement across every measurer over the next
-- two weeks (BENCH_KIND_ID, from BENCH_FROM), as the administrator.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
wrk.method = "GET"
local token = assert(os.getenv("RAPPORT_TOKEN"), "RAPPORT_TOKEN not set")
local path = "/api/v1/visit-slots?kind_id=" .. assert(os.getenv("BENCH_KIND_ID"), "BENCH_KIND_ID not set")
   .. "&from=" .. assert(os.getenv("BENCH_FROM"), "BENCH_FROM not set")
request = function()
   return wrk.format(nil, path, {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json"})
end
