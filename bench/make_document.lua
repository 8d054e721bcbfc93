-- POST /api/v1/deals/{id}/documents: each request makes an invoice PDF (BENCH_TEMPLATE) for a
-- deal (BENCH_DEAL) — filled for the deal, set with the company's logo, stamp and signature,
-- numbered, stored among its files, its history written.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
local token = assert(os.getenv("RAPPORT_TOKEN"), "RAPPORT_TOKEN not set")
local deal = assert(os.getenv("BENCH_DEAL"), "BENCH_DEAL not set")
local template = assert(os.getenv("BENCH_TEMPLATE"), "BENCH_TEMPLATE not set")

function request()
   return wrk.format("POST", "/api/v1/deals/" .. deal .. "/documents", {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
   }, '{"template_id":' .. template .. '}')
end
