// Type-checked (tsc --noEmit) against the types openapi-typescript generates from /openapi.json.
import type { components, operations, paths } from "./generated/rightsdesk";

type LicenseView = components["schemas"]["LicenseView"];
type NewLicenseRequest = components["schemas"]["NewLicenseRequest"];
type LicensePage = paths["/v1/licenses"]["get"]["responses"][200]["content"]["application/json"];
type RightsAnswer =
  operations["checkRights"]["responses"][200]["content"]["application/json"];
type OutletPage = operations["listOutlets"]["responses"][200]["content"]["application/json"];

const request: NewLicenseRequest = {
  grantor_outlet_id: 1,
  licensee_outlet_id: 2,
  scope: "feed",
  actions: ["republish"],
  media: ["web"],
  territories: ["US", "CA"],
  valid_from: "2025-01-01",
  valid_until: "2025-12-31",
  credit_line: "This article was originally published on Worthy News and was reproduced with permission.",
};

async function createLicense(base: string, token: string): Promise<LicenseView> {
  const response = await fetch(`${base}/v1/licenses`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(request),
  });
  return (await response.json()) as LicenseView;
}

function expiring(page: LicensePage): number[] {
  // Page items are the one LicenseView model, not a copy of it.
  const items: LicenseView[] = page.items;
  return items.map((l) => l.id);
}

function allowed(answer: RightsAnswer): boolean {
  return answer.allowed;
}

function outletNames(page: OutletPage): string[] {
  return page.items.map((o) => o.name);
}

export { createLicense, expiring, allowed, outletNames };
