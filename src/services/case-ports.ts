/** What officer case handling needs from storage (implemented in store/cases.ts). */
import type { AgencyTree, Channel, ComplaintStatus, EventType, Language, OfficerView, ResolutionTier } from '../domain/index.js';
import type { ChatRef } from './ports.js';

export interface OfficerRecord extends OfficerView {
  name: string;
  agencyName: string;
}

export interface CaseRecord {
  id: string;
  trackingCode: string;
  status: ComplaintStatus;
  version: number;
  agencyId: string | null;
  agencyName: string | null;
  regionCode: string | null;
  copyAgencyIds: string[];
  holdReturnStatus: ComplaintStatus | null;
  assigneeId: string | null;
  title: string;
  description: string;
  categoryName: string;
  resolutionTier: ResolutionTier;
  anonymous: boolean;
  confidential: boolean;
  submittedAt: Date;
  forwardedAt: Date | null;
  followedUpAt: Date | null;
  chat: ChatRef;
  citizenId: string;
  language: Language;
  mergedIntoId: string | null;
  duplicateOfCode: string | null;
  attachmentCount: number;
}

export interface NewEvent {
  type: EventType;
  fromStatus?: ComplaintStatus | null;
  toStatus?: ComplaintStatus | null;
  agencyId?: string | null;
  actorType: 'CITIZEN' | 'OFFICER' | 'SYSTEM';
  actorId?: string | null;
  /** `action` names what happened; `publicText` is what the citizen is told (answers, questions, reasons). */
  data: { action: string; publicText?: string; internalText?: string; [key: string]: string | number | boolean | null | undefined };
  /** Tell the citizen about this event. */
  notify: boolean;
}

export interface CaseChange {
  status: ComplaintStatus;
  agencyId?: string | null;
  assigneeId?: string | null;
  holdReturnStatus?: ComplaintStatus | null;
  outcome?: 'RESOLVED' | 'CLOSED_UNCONFIRMED' | 'NOT_RESOLVED' | 'ARCHIVED' | 'MERGED' | null;
  rating?: number | null;
  mergedIntoId?: string | null;
  duplicateOfId?: string | null;
  stamp?: 'forwardedAt' | 'inProgressAt' | 'followedUpAt' | 'closedAt';
  addCopies?: string[];
  /** Stored attachments (not yet tied to a complaint) that become this complaint's files. */
  attachmentIds?: string[];
  events: NewEvent[];
  /** A message of the complaint's thread to keep (the agency's answer, the citizen's reply), with the files it carries. */
  message?: { direction: 'IN' | 'OUT'; channel: Channel; chatId: string; text: string; platformMessageId?: string; attachmentIds?: string[] };
}

export type ApplyResult = { ok: true; eventIds: string[]; notifyEventIds: string[] } | { ok: false; reason: 'conflict' };

export interface AgencyDirectory extends AgencyTree {
  byCode: ReadonlyMap<string, { id: string; name: string; active: boolean }>;
  nameOf: ReadonlyMap<string, string>;
  coordinators: { agencyId: string; regionCode: string }[];
}

export interface CaseSummary {
  trackingCode: string;
  status: ComplaintStatus;
  title: string;
  confidential: boolean;
  dueAt: Date | null;
}

export interface CaseStore {
  findOfficerByIdentity(channel: Channel, externalId: string): Promise<OfficerRecord | null>;
  findCase(trackingCode: string): Promise<CaseRecord | null>;
  findCaseById(id: string): Promise<CaseRecord | null>;
  findAgencies(): Promise<AgencyDirectory>;
  /** Applies the change if the complaint is still at `expectedVersion`; one transaction. */
  applyChange(complaintId: string, expectedVersion: number, change: CaseChange, now: Date): Promise<ApplyResult>;
  /** Open complaints an officer may act on, most urgent first. */
  findOpenCases(officer: OfficerRecord, tree: AgencyDirectory, limit: number): Promise<CaseSummary[]>;
  findCannedAnswer(agencyId: string | null, code: string): Promise<string | null>;
  /** Chats of the officers to tell about a complaint: the assignee, else the agency's officers; or the koordinator. */
  findOfficerChats(target: { agencyId: string | null; regionCode: string | null; assigneeId: string | null; koordinator: boolean }): Promise<ChatRef[]>;
}
