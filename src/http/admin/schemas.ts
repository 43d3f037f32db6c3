/** zod schemas of the admin API: requests are validated with them and the OpenAPI document is generated from them. */
import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;
const FIRST_DATE = '2000-01-01';
const LAST_DATE = '2100-12-31';

export const Uuid = z.uuid({ error: 'must be a UUID' });
export const IdParams = z.strictObject({ id: Uuid });
export const AgencyCode = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: 'lower-case letters, digits and -, e.g. dinas-pu' });
export const RegionCode = z.string().regex(/^\d{2}(\.\d{2}){0,3}$/, { error: 'a Kemendagri region code such as 35.73' });
const Name = z.string().trim().min(1, { error: 'must not be empty' }).max(200, { error: 'at most 200 characters' });

/** A calendar date YYYY-MM-DD between 2000 and 2100 (dates out of that range are refused, not clamped). */
export const IsoDate = z.iso
  .date({ error: 'must be a date written YYYY-MM-DD' })
  .refine((d) => d >= FIRST_DATE && d <= LAST_DATE, { error: `must be between ${FIRST_DATE} and ${LAST_DATE}` });

export const AgencyKind = z.enum(['REGIONAL_GOVERNMENT', 'DEPARTMENT', 'UNIT']);
export const AgencyCreate = z.strictObject({
  code: AgencyCode,
  name: Name,
  kind: AgencyKind,
  regionCode: RegionCode,
  parentId: Uuid.nullable().optional(),
  isCoordinator: z.boolean().optional(),
  active: z.boolean().optional(),
});
export const AgencyUpdate = AgencyCreate.omit({ code: true }).partial();

export const Tier = z.enum(['SIMPLE', 'DISPUTE', 'FIELD_CHECK']);
export const CategoryCode = AgencyCode;
export const CategoryCreate = z.strictObject({
  code: CategoryCode,
  nameId: Name.max(60, { error: 'at most 60 characters (chat buttons)' }),
  nameEn: Name.max(60, { error: 'at most 60 characters (chat buttons)' }),
  parentId: Uuid.nullable().optional(),
  resolutionTier: Tier.optional(),
  sortOrder: z.int().min(0).max(100_000).optional(),
  active: z.boolean().optional(),
});
export const CategoryUpdate = CategoryCreate.omit({ code: true, parentId: true }).partial();

export const RoutingRuleInput = z.strictObject({ categoryId: Uuid, regionCode: RegionCode.nullable(), agencyId: Uuid });

export const OfficerRole = z.enum(['ADMIN_KOORDINATOR', 'ADMIN_INSTANSI', 'PEJABAT_PENGHUBUNG']);
export const OfficerCreate = z.strictObject({ name: Name, role: OfficerRole, agencyId: Uuid });

export const HolidayInput = z.strictObject({ date: IsoDate, kind: z.enum(['EXTRA', 'CANCELLED']), name: Name });
export const HolidayParams = z.strictObject({ date: IsoDate });
export const HolidayQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });

const PageSize = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` });

const STATUSES = ['SUBMITTED', 'ON_HOLD', 'FORWARDED', 'IN_PROGRESS', 'FOLLOWED_UP', 'CITIZEN_REPLIED', 'DONE', 'ARCHIVED'] as const;

export const ComplaintQuery = z
  .strictObject({
    status: z.string().regex(new RegExp(`^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`), { error: `one or more of ${STATUSES.join(', ')}, comma-separated` }).optional(),
    agencyId: Uuid.optional(),
    categoryId: Uuid.optional(),
    regionCode: RegionCode.optional(),
    channel: z.enum(['WEBCHAT', 'TELEGRAM', 'WHATSAPP']).optional(),
    type: z.enum(['PENGADUAN', 'ASPIRASI', 'PERMINTAAN_INFORMASI']).optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    q: z.string().max(200, { error: 'at most 200 characters' }).optional(),
    page: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(100_000).default(1),
    pageSize: PageSize.default(25),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: 'from must not be after to', path: ['from'] });

export const ComplaintParams = z.strictObject({ idOrCode: z.string().min(1).max(64) });
export const ComplaintDetailQuery = z
  .strictObject({
    reveal: z.enum(['true', 'false']).optional(),
    reason: z.string().trim().min(10, { error: 'give a reason of at least 10 characters' }).max(500).optional(),
  })
  .refine((q) => q.reveal !== 'true' || q.reason !== undefined, { error: 'reveal=true needs a reason (at least 10 characters)', path: ['reason'] });

export const AuditQuery = z.strictObject({
  action: z.string().max(64).optional(),
  targetType: z.string().max(64).optional(),
  targetId: z.string().max(64).optional(),
  actorId: Uuid.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  cursor: z.string().regex(/^\d{1,18}$/, { error: 'the nextCursor of the previous page' }).optional(),
  limit: PageSize.default(50),
});

export const AdminUserCreate = z.strictObject({
  name: Name,
  role: z.enum(['OPERATOR', 'ADMIN_KOORDINATOR', 'ADMIN_INSTANSI', 'PEJABAT_PENGHUBUNG']),
  agencyCode: AgencyCode.optional(),
  officerId: Uuid.optional(),
});
export const TokenCreate = z.strictObject({ label: Name, expiresAt: z.iso.datetime({ error: 'an ISO date-time such as 2027-01-01T00:00:00Z' }).optional() });
export const UserParams = z.strictObject({ user: z.string().min(1).max(200) });
