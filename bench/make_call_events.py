"""Writes signed call events for bench/call_events.lua, one per line: "<hex HMAC>\t<json>".

Calls are dealt to THREADS interleaved streams (line i goes to thread i % THREADS), each call's
events in order within its stream: half missed (ringing, missed, finished), half answered by a
sales manager (ringing, answered, finished with a duration and a recording); one number in ten
calls again; one event in twenty is sent twice.
usage: make_call_events.py SECRET CALLS THREADS PREFIX OUT [missed]  ("missed": every call missed, each a new number)
"""
import hashlib, hmac, json, random, sys

secret, calls, threads, prefix, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
only_missed = len(sys.argv) > 6 and sys.argv[6] == "missed"
employees = ["anna.morozova@kitchen.example", "ekaterina.sokolova@kitchen.example"]
rng = random.Random(prefix)
streams = [[] for _ in range(threads)]
for n in range(calls):
    call = f"{prefix}-c{n}"
    number = f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
    if only_missed:
        number = f"+7 9{n % 90 + 10} {n // 10000 % 1000:03d}-{n // 100 % 100:02d}-{n % 100:02d}"
    elif n % 10 == 9 and n > 10:
        number = streams[n % threads][-1][1]["client_number"] if streams[n % threads] else number
    kind = "missed" if n % 2 == 0 or only_missed else "answered"
    events = [{"type": "ringing"}]
    if kind == "missed":
        events += [{"type": "missed"}] if only_missed else [{"type": "missed"}, {"type": "finished"}]
    else:
        who = employees[n % len(employees)]
        events += [{"type": "answered", "employee": who},
                   {"type": "finished", "employee": who, "duration_seconds": rng.randint(20, 600),
                    "recording_url": f"https://pbx.example/rec/{call}.mp3"}]
    for i, event in enumerate(events):
        event.update({"event_id": f"{call}-e{i}", "call_id": call, "client_number": number, "line_number": "+7 495 100-20-30"})
        streams[n % threads].append((event["event_id"], event))
        if rng.random() < 0.05 and not only_missed:
            streams[n % threads].append((event["event_id"], dict(event)))
with open(out, "w") as f:
    length = max(len(s) for s in streams)
    for i in range(length):
        for t in range(threads):
            stream = streams[t]
            _, event = stream[i] if i < len(stream) else stream[i % len(stream)]
            body = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
            sig = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
            f.write(f"{sig}\t{body}\n")
