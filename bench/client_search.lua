-- The global search as people type into it: names (Russian and English), a phone's last
-- digits, an e-mail, an INN prefix, and a misspelt name (found by similarity).
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("RAPPORT_TOKEN"), "RAPPORT_TOKEN not set")
local queries = {
   "%D0%98%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2",            -- Иванов
   "%D0%BC%D0%BE%D1%80%D0%BE%D0%B7%D0%BE%D0%B2%D0%B0%20%D0%B0%D0%BD%D0%BD%D0%B0",  -- морозова анна
   "smith%20emma", "person12345%40mail.example", "7707", "%2B7%20916",
   "%D0%9A%D1%83%D1%85%D0%BD%D0%B8%D0%9F%D0%BB%D1%8E%D1%81",  -- КухниПлюс
   "%D0%BA%D0%BE%D0%BD%D1%81%D1%82%D0%B0%D0%BD%D1%82%D0%B8%D0%BD%D0%BE%D0%B2%D0%B0",  -- константинова (no such: similarity)
   "wilsen",
}
local n = 0
request = function()
   n = n + 1
   return wrk.format(nil, "/api/v1/search?q=" .. queries[(n % #queries) + 1])
end
