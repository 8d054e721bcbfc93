-- Authenticated GET of one user record: wrk's URL is /api/v1/users/{id}.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("RAPPORT_TOKEN"), "RAPPORT_TOKEN not set")
wrk.headers["Accept"] = "application/json"
