-- The client list pages with a custom-field filter, as a manager opens them: people who decide
-- (a yes/no field) starting with a letter, and companies in a budget range (a money field).
dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("RAPPORT_TOKEN"), "RAPPORT_TOKEN not set")
local paths = {
   "/clients/contacts?cf.decision_maker=true",
   "/clients/contacts?cf.decision_maker=true&q=%D0%B8%D0%B2",        -- ив
   "/clients/contacts?cf.decision_maker=false&q=%D1%81%D0%BC",       -- см
   "/clients/contacts?cf.preferred_contact=Telegram&q=smith",
   "/clients/companies?cf.budget.from=1500000",
   "/clients/companies?cf.budget.from=500000&cf.budget.to=600000",
   "/clients/companies?cf.kitchen_style=%D0%9B%D0%BE%D1%84%D1%82&q=%D0%BA%D1%83",  -- Лофт, ку
   "/clients/companies?sort=cf.budget&order=desc",
}
local n = 0
request = function()
   n = n + 1
   return wrk.format(nil, paths[(n % #paths) + 1])
end
