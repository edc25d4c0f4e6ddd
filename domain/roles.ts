/**
 * What a person may do under a plan, for the doors to show the right pages
 * and buttons. Display only: the workflow's checks (domain/handlers.ts,
 * domain/groupActions.ts) decide every request again.
 */
import type { Plan } from './plan';

export interface Roles {
  personId: string;
  name: string;
  /** Offices whose reports this person files (contact or head). */
  offices: string[];
  approver: boolean;
  appraisalTriggerer: boolean;
  groupMember: boolean;
  reviewCommenter: boolean;
}

export function groupPeople(plan: Plan) {
  const g = plan.assessmentGroup;
  return [g.leader, ...(g.deputy ? [g.deputy] : []), ...g.members];
}

/** Every person the plan names, with their e-mail addresses (lower-cased). */
export function peopleOf(plan: Plan): { personId: string; name: string; email: string }[] {
  const all = [...groupPeople(plan), ...plan.offices.flatMap((o) => [o.contact, o.head])];
  const seen = new Map<string, { personId: string; name: string; email: string }>();
  for (const p of all) if (!seen.has(p.personId)) seen.set(p.personId, { personId: p.personId, name: p.name, email: p.email.toLowerCase() });
  return [...seen.values()];
}

export function rolesOf(plan: Plan, personId: string): Roles | undefined {
  const person = peopleOf(plan).find((p) => p.personId === personId);
  if (!person) return undefined;
  const g = plan.assessmentGroup;
  return {
    personId,
    name: person.name,
    offices: plan.offices.filter((o) => o.contact.personId === personId || o.head.personId === personId).map((o) => o.id),
    approver: g.approvers.includes(personId),
    appraisalTriggerer: g.appraisalTriggerers.includes(personId),
    groupMember: groupPeople(plan).some((p) => p.personId === personId),
    reviewCommenter: g.leader.personId === personId || g.approvers.includes(personId) || plan.reviewCommenters.includes(personId),
  };
}
