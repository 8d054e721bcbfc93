-- The board of the deal pipeline as the administrator (every deal in scope): BENCH_KIND
-- "page" for the /deals page, "api" for GET /api/v1/pipelines/{BENCH_PIPELINE}/board.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
wrk.method = "GET"
local token = assert(os.getenv("RAPPORT_TOKEN"), "RAPPORT_TOKEN not set")
local path = "/deals"
if os.getenv("BENCH_KIND") == "api" then
   path = "/api/v1/pipelines/" .. assert(os.getenv("BENCH_PIPELINE"), "BENCH_PIPELINE not set") .. "/board"
end
request = function()
   return wrk.format(nil, path, {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json"})
end
