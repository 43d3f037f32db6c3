/**
 * The routing decision ("no wrong door"): which agency receives a new complaint.
 *
 * Order: the agency the citizen named; else the most specific routing rule (sub-category before
 * category, the incident's own region before its parent regions before a region-wide rule);
 * else the admin koordinator of the region, who verifies and forwards by hand.
 */

export interface RoutingRuleView {
  categoryId: string;
  /** null matches every region. */
  regionCode: string | null;
  agencyId: string;
}

export interface RouteRequest {
  categoryId: string;
  parentCategoryId: string | null;
  regionCode: string | null;
  requestedAgencyId: string | null;
}

export type RouteDecision =
  | { kind: 'requested'; agencyId: string }
  | { kind: 'rule'; agencyId: string }
  | { kind: 'coordinator'; agencyId: string };

/** "35.73.05" → ["35.73.05", "35.73", "35"]: the region and every region that contains it. */
export function regionAncestry(regionCode: string | null): string[] {
  if (!regionCode) return [];
  const parts = regionCode.split('.');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
}

export function decideRoute(
  request: RouteRequest,
  rules: readonly RoutingRuleView[],
  coordinators: readonly { agencyId: string; regionCode: string }[],
): RouteDecision | null {
  if (request.requestedAgencyId) return { kind: 'requested', agencyId: request.requestedAgencyId };
  const regions = [...regionAncestry(request.regionCode), null];
  const categories = [request.categoryId, request.parentCategoryId].filter((c): c is string => c !== null);
  for (const categoryId of categories) {
    for (const regionCode of regions) {
      const rule = rules.find((r) => r.categoryId === categoryId && r.regionCode === regionCode);
      if (rule) return { kind: 'rule', agencyId: rule.agencyId };
    }
  }
  const ancestry = regionAncestry(request.regionCode);
  const coordinator =
    ancestry.map((code) => coordinators.find((c) => c.regionCode === code)).find((c) => c !== undefined) ??
    coordinators[0];
  return coordinator ? { kind: 'coordinator', agencyId: coordinator.agencyId } : null;
}
