import json, random, sys
# usage: crosscheck_cases.py SEED COUNT OUT [tame]
# "tame" avoids duplicate/colliding keys so most bodies take the decoder's fast path.
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
TAME = len(sys.argv) > 4 and sys.argv[4] == "tame"

def flatten_dict(nested_dict, parent_key='', sep='_'):
    items = []
    for key, value in nested_dict.items():
        new_key = f"{parent_key}{sep}{key}" if parent_key else key
        if isinstance(value, dict):
            items.extend(flatten_dict(value, new_key, sep=sep).items())
        else:
            items.append((new_key, value))
    return dict(items)

KEYS = ["x","y","z","a","b","a_b","_","","values","values_x","name","time","deviceId","messageId","sessionId","é","µT","k\u0001","q\"uote","back\\slash","😀","\x7f"]
TAME_KEYS = ["x","y","z","a","b","é","µT","k\u0001","q\"uote","😀","long_key_name"]
def jstr(s):
    # random JSON spelling of a string: raw UTF-8 or \u escapes
    out = ['"']
    for ch in s:
        r = random.random()
        if ch in '"\\' or ord(ch) < 0x20:
            out.append(json.dumps(ch)[1:-1] if r < 0.5 else '\\u%04x' % ord(ch))
        elif r < 0.15:
            if ord(ch) > 0xffff:
                v = ord(ch) - 0x10000
                out.append('\\u%04X\\u%04x' % (0xD800 | (v >> 10), 0xDC00 | (v & 0x3ff)))
            else:
                out.append('\\u%04x' % ord(ch))
        elif r < 0.18 and ch == '/':
            out.append('\\/')
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)

def rnum():
    r = random.random()
    if r < 0.3: return str(random.randint(-1000, 1000))
    if r < 0.35: return random.choice(["-0", "0", "123456789012345678901234567890"])
    return repr(random.uniform(-1e4, 1e4) * random.choice([1, 1e-9, 1e-3, 1e12]))

def rscalar_text(depth):
    r = random.random()
    if r < 0.45: return rnum()
    if r < 0.6: return jstr(random.choice(KEYS + ["high", "unplugged", "ünïcödé", "tab\there"]))
    if r < 0.7: return random.choice(["true", "false", "null"])
    if r < 0.8 and depth < 4: return rarray(depth + 1)
    return None

def rarray(depth):
    items = []
    for _ in range(random.randint(0, 3)):
        if random.random() < 0.2 and depth < 4 and not TAME:
            items.append(robj(depth + 1))
        else:
            t = rscalar_text(depth + 1)
            items.append(t if t is not None else "1")
    return "[" + ",".join(items) + "]"

def robj(depth, triaxial=False):
    members = []
    n = random.randint(0, 5)
    keys = random.sample(TAME_KEYS, n) if TAME else [random.choice(KEYS) for _ in range(n)]
    for k in keys:
        if triaxial and k in "xyz":
            v = random.choice([rnum(), "null"])
        elif random.random() < 0.25 and depth < 5:
            v = robj(depth + 1)
        else:
            v = rscalar_text(depth)
            if v is None or (triaxial and False):
                v = rnum()
        members.append(jstr(k) + ":" + v)
    return "{" + ",".join(members) + "}"

NAMES = ["accelerometer","gyroscope","gravity","magnetometeruncalibrated","orientation","test","location","bluetooth-x","ünknown"]
def reading():
    name = random.choice(NAMES)
    tri = name in ("accelerometer","gyroscope","gravity","magnetometeruncalibrated")
    t = random.randint(-10**12, 2*10**18)
    members = [
        ('"name"', jstr(name)),
        ('"time"', str(t) if random.random() < 0.5 else '"%d"' % abs(t)),
        ('"values"', robj(1, triaxial=tri)),
    ]
    extras = random.randint(0, 3)
    extra_keys = ["accuracy", "extra", "meta", "values_x", "deviceId", "messageId", "", "_", "é"]
    for k in (random.sample(["accuracy", "extra", "meta", "é"], extras) if TAME else
              [random.choice(extra_keys) for _ in range(extras)]):
        r = random.random()
        if r < 0.3: v = str(random.randint(0, 3))
        elif r < 0.5 and not TAME: v = random.choice(["2.5", "1e5", "1E-7", "0.1", "-0.0", "12.50", "1e400"])
        elif r < 0.6: v = random.choice(["true", "false"])
        elif r < 0.8: v = jstr(random.choice(KEYS))
        else: v = robj(2)
        members.append((jstr(k), v))
    random.shuffle(members)
    # exact-ish: all three required present; duplicates occasionally
    if random.random() < 0.1 and not TAME:
        members.append(('"name"', jstr(name)))
    ws = random.choice(["", " ", "\n  "])
    return "{" + ",".join(f"{ws}{k}:{ws}{v}" for k, v in members) + ws + "}"

def pyd_coerce(v):
    if isinstance(v, str): return v
    if isinstance(v, (int, float)): return str(v)   # bool is int: "True"
    if isinstance(v, dict): return v
    raise ValueError("pydantic would reject")

cases = []
for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 2000):
    readings = [reading() for _ in range(random.randint(0, 6))]
    mid = random.randint(-5, 10**12)
    parts = [
        '"messageId":' + (str(mid) if random.random() < 0.7 else '"%d"' % abs(mid)),
        '"sessionId":' + (json.dumps(random.choice(["a7e3c9b2-1f44", "sé"]), ensure_ascii=False) if TAME
                          else jstr(random.choice(["a7e3c9b2-1f44", "sé", "s\"q"]))),
        '"deviceId":' + (json.dumps(random.choice(["5d0c1f7e-93a2", "téléphone 📱"]), ensure_ascii=False) if TAME
                         else jstr(random.choice(["5d0c1f7e-93a2", "téléphone 📱", "d\\e"]))),
        '"payload":[' + ",".join(readings) + "]",
    ]
    if random.random() < 0.3: parts.append('"userId":' + jstr("u"))
    random.shuffle(parts)
    body = "{" + ",".join(parts) + "}"
    data = json.loads(body)
    try:
        payload = [{k: pyd_coerce(v) for k, v in r.items()} for r in data["payload"]]
    except ValueError:
        continue
    mid = int(data["messageId"])
    info = {"messageId": mid, "sessionId": data["sessionId"], "deviceId": data["deviceId"]}
    expected = []
    for r in payload:
        msg = {**flatten_dict(r), **info}
        expected.append({"value": json.dumps(msg, separators=(",", ":")), "ts": int(r["time"]) // 1_000_000})
    cases.append({"body": body, "records": expected, "device": data["deviceId"]})
with open(sys.argv[3] if len(sys.argv) > 3 else "/tmp/xcheck/cases.json", "w") as f:
    json.dump(cases, f)
print(len(cases), "cases")
