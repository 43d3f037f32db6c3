/**
 * Who may see what of a complaint (DOMAIN.md "Privacy").
 *
 * The reporter sees everything of their own report. Anyone else holding the code sees the status,
 * the agency and the dates; the title only when the report is not rahasia (confidential), and never
 * who filed it or what was written.
 */

export interface LookupAudience {
  isReporter: boolean;
}

export interface LookupVisibility {
  showTitle: boolean;
  showContent: boolean;
  showHistory: boolean;
}

export function decideLookupVisibility(
  complaint: { confidential: boolean },
  audience: LookupAudience,
): LookupVisibility {
  if (audience.isReporter) return { showTitle: true, showContent: true, showHistory: true };
  return { showTitle: !complaint.confidential, showContent: false, showHistory: false };
}
