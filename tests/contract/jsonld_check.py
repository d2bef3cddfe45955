"""Expands rightsdesk's JSON-LD with a real JSON-LD processor (pyld) and checks where the terms land.

Usage: jsonld_check.py BASE_URL TOKEN   (run by tests/contract/run.sh against a fresh server)

- ODRL: GET /v1/licenses/{id}/odrl carries its context inline, so it expands with no network; the
  policy must be an odrl:Agreement with assigner, assignee, target, one permission per ODRL action,
  spatial/dateTime/deliveryChannel/count constraints and attribute/compensate duties. The exported
  policy is then imported (POST /v1/licenses as application/ld+json) and exported again: the two
  policies must be the same but for their uid.
- schema.org: GET /v1/articles/{id} with Accept: application/ld+json names the context
  "https://schema.org"; the check serves that context from a local copy of its @vocab (no network
  in CI) and checks copyrightHolder, copyrightYear, copyrightNotice, creditText and isBasedOn.
"""
import json
import sys
import urllib.request

from pyld import jsonld

BASE, TOKEN = sys.argv[1], sys.argv[2]
ODRL = "http://www.w3.org/ns/odrl/2/"
SDO = "https://schema.org/"
CREDIT = "This article was originally published on Worthy News and was reproduced with permission."


def call(method, path, body=None, content_type="application/json", accept="application/json"):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + TOKEN)
    req.add_header("Accept", accept)
    if data is not None:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req) as res:
        return res.status, res.headers.get("Content-Type"), json.loads(res.read())


def offline_loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url,
                "document": {"@context": {"@vocab": SDO}}}
    raise RuntimeError(f"no network in this check: {url}")


jsonld.set_document_loader(offline_loader)


def expect(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)


_, _, grantor = call("POST", "/v1/outlets", {"name": "Worthy News", "website": "https://www.worthynews.com", "country": "US"})
_, _, partner = call("POST", "/v1/outlets", {"name": "Gazette", "country": "US"})
_, _, article = call("POST", "/v1/articles", {
    "title": "Ukrainian President Open To Resign In Exchange For NATO Membership",
    "source_outlet_id": grantor["id"], "published_on": "2025-02-23",
    "url": "https://www.worthynews.com/zelenskyy",
    "byline": "Stefan J. Bos, Chief International Correspondent Worthy News",
    "copyright_line": "Copyright 1999-2025 Worthy News.", "copyright_holder": "Worthy News",
    "copyright_year_from": 1999, "copyright_year_to": 2025,
    "permission_statement": CREDIT, "original_publisher": "Worthy News"})
_, _, license = call("POST", "/v1/licenses", {
    "grantor_outlet_id": grantor["id"], "licensee_outlet_id": partner["id"], "scope": "feed",
    "feed_published_from": "2025-01-01", "actions": ["republish", "translate"],
    "media": ["web", "print"], "territories": ["US", "CA"], "valid_from": "2025-01-01",
    "valid_until": "2026-12-31", "credit_line": CREDIT, "fee_cents": 1250, "currency": "USD",
    "max_reprints": 3})

# ODRL, through both doors.
status, ctype, policy = call("GET", f"/v1/licenses/{license['id']}/odrl")
expect(status == 200 and ctype.startswith("application/ld+json"), f"ODRL answer {status} {ctype}")
_, _, negotiated = call("GET", f"/v1/licenses/{license['id']}", accept="application/ld+json")
expect(negotiated == policy, "Accept: application/ld+json gives the same policy as /odrl")

expanded = jsonld.expand(policy)
expect(len(expanded) == 1, "one policy node")
node = expanded[0]
expect(node["@type"] == [ODRL + "Agreement"], f"an odrl:Agreement, got {node.get('@type')}")
expect(node[ODRL + "assigner"][0]["@id"] == f"urn:rightsdesk:outlet:{grantor['id']}", "assigner")
expect(node[ODRL + "assignee"][0]["@id"] == f"urn:rightsdesk:outlet:{partner['id']}", "assignee")
expect(node[ODRL + "target"][0]["@type"] == [ODRL + "AssetCollection"], "feed target")
actions = sorted(p[ODRL + "action"][0]["@id"] for p in node[ODRL + "permission"])
expect(actions == [ODRL + a for a in ("distribute", "reproduce", "translate")], f"actions {actions}")
first = node[ODRL + "permission"][0]
lefts = sorted(c[ODRL + "leftOperand"][0]["@id"] for c in first[ODRL + "constraint"])
expect(lefts == sorted(ODRL + l for l in ("count", "dateTime", "dateTime", "deliveryChannel", "spatial")),
       f"constraints {lefts}")
duty_actions = []
for duty in first[ODRL + "duty"]:
    action = duty[ODRL + "action"][0]
    duty_actions.append(action.get("@id") or action["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"][0]["@id"])
expect(sorted(duty_actions) == [ODRL + "attribute", ODRL + "compensate"], f"duties {duty_actions}")
print("ODRL policy expands to odrl:Agreement with", len(actions), "permissions")

# Round trip: export, import, export.
status, _, imported = call("POST", "/v1/licenses", policy, content_type="application/ld+json")
expect(status == 201, f"import answered {status}")
_, _, again = call("GET", f"/v1/licenses/{imported['id']}/odrl")
strip = lambda p: {k: v for k, v in p.items() if k != "uid"}
expect(strip(again) == strip(policy), "export, import, export gives the same policy")
print("ODRL round trip: license", license["id"], "-> license", imported["id"], "same policy")

# schema.org for the article.
status, ctype, markup = call("GET", f"/v1/articles/{article['id']}", accept="application/ld+json")
expect(ctype.startswith("application/ld+json"), f"schema.org answer {ctype}")
node = jsonld.expand(markup)[0]
expect(node["@type"] == [SDO + "NewsArticle"], "a schema:NewsArticle")
holder = node[SDO + "copyrightHolder"][0]
expect(holder[SDO + "name"][0]["@value"] == "Worthy News", "copyrightHolder")
expect(node[SDO + "copyrightYear"][0]["@value"] == 2025, "copyrightYear")
expect(node[SDO + "copyrightNotice"][0]["@value"] == "Copyright 1999-2025 Worthy News.", "copyrightNotice")
expect(node[SDO + "creditText"][0]["@value"] == CREDIT, "creditText")
original = node[SDO + "isBasedOn"][0]
expect(original["@id"] == "https://www.worthynews.com/zelenskyy", "isBasedOn names the original")
print("schema.org markup expands with copyrightHolder, copyrightYear, copyrightNotice, creditText, isBasedOn")
