/**
 * Every foreign key is backed by an index that starts with its columns, unless it is listed below
 * with the reason a scan is fine. A reverse look-up without one (the reports merged into a
 * complaint, read for every notice) scans the whole table, and costs more with every complaint stored.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/** "Table.column" → why no index is needed. */
const UNINDEXED: Record<string, string> = {
  'Region.parentCode': 'the region tree is a catalog of a few hundred rows, loaded whole',
  'Agency.regionCode': 'agencies are a catalog, loaded whole',
  'RoutingRule.agencyId': 'routing rules are a catalog, loaded whole (and cached)',
  'RoutingRule.regionCode': 'routing rules are a catalog, loaded whole (and cached)',
  'Officer.agencyId': 'officers of a region number in the hundreds',
  'OfficerIdentity.officerId': 'read by channel and chat id (its unique key), not by officer',
  'OfficerLinkCode.officerId': 'one-time codes, read by code and deleted when used',
  'Complaint.assigneeId': 'nothing searches by assignee (desks list by agency and status); officers are deactivated, never deleted',
  'Complaint.requestedAgencyId': 'kept for the record (the agency the citizen named), never searched by',
  'ComplaintCopy.agencyId': 'copies are read per complaint through the primary key (complaintId, agencyId)',
};

const UNCOVERED_FOREIGN_KEYS = `
  SELECT c.conrelid::regclass::text AS "table",
    (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns
  FROM pg_constraint c
  WHERE c.contype = 'f' AND NOT EXISTS (
    SELECT 1 FROM pg_index i
    -- A valid, whole-table index whose leading key columns are the foreign key's, in any order.
    WHERE i.indrelid = c.conrelid AND i.indisvalid AND i.indpred IS NULL AND cardinality(c.conkey) <= i.indnkeyatts
      AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
      AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)`;

describe('foreign keys and their indexes', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  it('indexes every foreign key except the listed catalog ones', async () => {
    const { rows } = await client.query<{ table: string; columns: string }>(UNCOVERED_FOREIGN_KEYS);
    const uncovered = rows.map((r) => `${r.table.replaceAll('"', '')}.${r.columns}`).sort();
    expect(uncovered).toEqual(Object.keys(UNINDEXED).sort());
  });

  it('reads the reports merged into a complaint through an index', async () => {
    // With sequential scans priced out, the plan shows whether an index can serve the look-up at all.
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM "Complaint" WHERE "mergedIntoId" = '00000000-0000-4000-8000-000000000000'`);
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/(Index (Only )?Scan using|Bitmap Index Scan on) "Complaint_mergedIntoId_idx"/);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
