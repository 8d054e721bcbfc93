-- GET /health (the URL given to wrk), unauthenticated: the baseline.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
