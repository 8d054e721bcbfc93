-- A signed-in salesperson's page (BENCH_PATH: "/" the desktop, "/tasks" my tasks), each
-- request as one of several generated managers (BENCH_TOKENS, comma-separated).
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
wrk.method = "GET"
local tokens = {}
for token in string.gmatch(assert(os.getenv("BENCH_TOKENS"), "BENCH_TOKENS not set"), "[^,]+") do
   tokens[#tokens + 1] = token
end
local path = os.getenv("BENCH_PATH") or "/"
local n = tonumber(os.getenv("BENCH_SALT") or "1")
request = function()
   n = n + 1
   return wrk.format(nil, path, {["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1]})
end
