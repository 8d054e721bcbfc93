"""Adds measurers until there are TOTAL, each with a few visits booked over the next two weeks,
through the API (for bench/visit_slots.lua). usage: make_technicians.py BASE TOKEN TOTAL KIND_ID"""
import datetime, json, random, sys, urllib.error, urllib.request

base, token, total, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def call(method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        return json.load(urllib.request.urlopen(request))
    except urllib.error.HTTPError as error:
        return {"error": error.code}
roles = {r["name"]: r["id"] for r in call("GET", "/api/v1/roles")["data"]}
role = next(id for name, id in roles.items() if "ыездной" in name or "echnician" in name)
existing = [u for u in call("GET", "/api/v1/users?limit=500")["data"] if "замер" in (u.get("skills") or [])]
for n in range(total - len(existing)):
    call("POST", "/api/v1/users", {"email": f"measurer{n}@bench.example", "password": "bench-password-1", "first_name": "Замерщик",
                                   "last_name": f"№{n}", "role_id": role, "skills": ["замер"], "regions": ["Москва"],
                                   "working_hours": "пн-пт 09:00-18:00"})
lead = call("POST", "/api/v1/leads", {"title": "Замеры для нагрузки", "phones": ["+7 916 000-00-00"]})["id"]
people = [u["id"] for u in call("GET", "/api/v1/users?limit=500")["data"] if "замер" in (u.get("skills") or [])]
rng = random.Random(7)
booked = 0
for person in people:
    for _ in range(6):
        day = datetime.date.today() + datetime.timedelta(days=rng.randint(1, 13))
        start = datetime.datetime(day.year, day.month, day.day, rng.randint(6, 11), 0, tzinfo=datetime.timezone.utc)
        answer = call("POST", "/api/v1/visits", {"kind_id": kind, "technician_id": person, "start": start.isoformat(),
                                                 "link_entity": "lead", "link_id": lead, "address": "Москва, нагрузочный тест"})
        booked += 0 if "error" in answer else 1
print(f"technicians={len(people)} visits={booked}")
