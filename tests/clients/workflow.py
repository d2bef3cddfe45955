"""A desk workflow through the Python client generated from /openapi.json, unmodified.

Usage: python workflow.py BASE_URL ADMIN_EMAIL ADMIN_PASSWORD SEED_TEXT_FILE
(with the generated package `rightsdesk_client` importable).
"""
import datetime
import sys

from rightsdesk_client import AuthenticatedClient, Client
from rightsdesk_client.api.articles import ingest_article
from rightsdesk_client.api.auth import login
from rightsdesk_client.api.licenses import (
    create_license,
    export_license_odrl,
    list_licenses,
)
from rightsdesk_client.api.outlets import create_outlet
from rightsdesk_client.api.reprints import create_reprint
from rightsdesk_client.api.rights import check_rights
from rightsdesk_client.models import (
    IngestRequest,
    LicenseView,
    LoginRequest,
    NewLicenseRequest,
    NewOutletRequest,
    NewReprintRequest,
)


def expect(response, status):
    statuses = status if isinstance(status, tuple) else (status,)
    if int(response.status_code) not in statuses:
        raise SystemExit(
            f"expected {status}, got {int(response.status_code)}: {response.content[:500]!r}"
        )
    if response.parsed is None:
        raise SystemExit(f"the client did not parse the answer: {response.content[:500]!r}")
    return response.parsed


def main(base, email, password, seed_path):
    anonymous = Client(base_url=base, raise_on_unexpected_status=False)
    session = expect(
        login.sync_detailed(client=anonymous, body=LoginRequest(email=email, password=password)),
        200,
    )
    desk = AuthenticatedClient(base_url=base, token=session.access_token)

    worthy = expect(
        create_outlet.sync_detailed(
            client=desk,
            body=NewOutletRequest.from_dict(
                {"name": "Worthy News", "website": "https://www.worthynews.com",
                 "country": "US", "contact_emails": ["syndication@worthynews.com"]}
            ),
        ),
        201,
    )
    gazette = expect(
        create_outlet.sync_detailed(
            client=desk,
            body=NewOutletRequest.from_dict(
                {"name": "Gazette", "country": "US", "contact_emails": ["rights@gazette.example"]}
            ),
        ),
        201,
    )
    print("outlets", worthy.id, gazette.id)

    with open(seed_path, encoding="utf-8") as f:
        text = f.read()
    ingested = expect(
        ingest_article.sync_detailed(
            client=desk, body=IngestRequest.from_dict({"text": text, "source_outlet_id": worthy.id})
        ),
        (200, 201),
    )
    article = ingested.article
    print("article", article.id, article.title)
    assert "Ukrainian President" in article.title, article.title

    ends = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    license_ = expect(
        create_license.sync_detailed(
            client=desk,
            body=NewLicenseRequest.from_dict(
                {"grantor_outlet_id": worthy.id, "licensee_outlet_id": gazette.id,
                 "scope": "feed", "actions": ["republish"], "media": ["web"],
                 "territories": ["US", "CA"], "valid_from": "2025-01-01", "valid_until": ends,
                 "credit_line": "This article was originally published on Worthy News "
                                "and was reproduced with permission."}
            ),
        ),
        201,
    )
    assert isinstance(license_, LicenseView)
    print("license", license_.id, "ends", ends)

    allowed = expect(
        check_rights.sync_detailed(
            client=desk, outlet_id=gazette.id, article_id=article.id, territory="CA"
        ),
        200,
    )
    refused = expect(
        check_rights.sync_detailed(
            client=desk, outlet_id=gazette.id, article_id=article.id, territory="FR"
        ),
        200,
    )
    print("rights CA", allowed.allowed, "FR", refused.allowed)
    assert allowed.allowed is True and refused.allowed is False

    reprint = expect(
        create_reprint.sync_detailed(
            client=desk,
            body=NewReprintRequest.from_dict(
                {"article_id": article.id, "outlet_id": gazette.id,
                 "reprinted_on": datetime.date.today().isoformat(), "medium": "web",
                 "url": "https://gazette.example/2025/zelenskyy"}
            ),
        ),
        201,
    )
    print("reprint", reprint.id)

    expiring = expect(
        list_licenses.sync_detailed(client=desk, expiring_within_days=30), 200
    )
    ids = [item.id for item in expiring.items]
    assert license_.id in ids, ids
    assert all(isinstance(item, LicenseView) for item in expiring.items)
    print("expiring within 30 days", ids)

    policy = expect(export_license_odrl.sync_detailed(client=desk, id=license_.id), 200)
    policy = policy.to_dict() if hasattr(policy, "to_dict") else policy
    print("odrl", policy.get("type"), [p.get("action") for p in policy.get("permission", [])])
    assert policy.get("type") == "Agreement", policy
    print("client workflow passed")


if __name__ == "__main__":
    main(*sys.argv[1:5])
