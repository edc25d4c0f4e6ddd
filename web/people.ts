/**
 * Who a signed-in address is, cycle by cycle. Plans come from the application
 * layer, which reads each once; the list of running cycles is asked for at
 * most every few seconds.
 */
import { listCycles } from '../app/actions/admin';
import type { Actor, AppContext, CycleRef } from '../app/context';
import { openCycle } from '../app/cycles';
import { AppError } from '../app/errors';
import type { Plan } from '../domain/plan';
import { peopleOf, rolesOf, type Roles } from '../domain/roles';
import type { Programme } from '../domain/programme';

const LIST_TTL_MS = 5_000;

export interface MyCycle {
  ref: CycleRef;
  plan: Plan;
  roles: Roles;
}

export class Directory {
  private running?: { at: number; refs: CycleRef[] };

  constructor(
    private readonly app: AppContext,
    readonly programme?: Programme,
  ) {}

  /** A person of the performance office's programme (they read the board across units; they act in no cycle). */
  programmePerson(email: string): { personId: string; name: string } | undefined {
    const key = email.trim().toLowerCase();
    return this.programme?.people.find((p) => p.email.toLowerCase() === key);
  }

  /** The cycle's plan (read once: app/cycles.ts keeps plans, immutable for a cycle's life). */
  async plan(ref: CycleRef): Promise<Plan> {
    return (await openCycle(this.app, ref)).plan;
  }

  async runningCycles(): Promise<CycleRef[]> {
    const now = Date.now();
    if (!this.running || now - this.running.at > LIST_TTL_MS) {
      // A finished year stays open to its people (the appraisal report, the audit log) until the next year is over.
      const oldest = new Date().getFullYear() - 1;
      const rows = await listCycles(this.app, { readable: true });
      this.running = { at: now, refs: rows.filter((r) => r.unit && r.year && (r.status === 'RUNNING' || r.year >= oldest)).map((r) => ({ unitId: r.unit, year: r.year })) };
    }
    return this.running.refs;
  }

  /** The running (or recently finished) cycles whose plan names this address, with the person's roles in each. */
  async cyclesOf(email: string): Promise<MyCycle[]> {
    const key = email.trim().toLowerCase();
    const out: MyCycle[] = [];
    for (const ref of await this.runningCycles()) {
      const plan = await this.plan(ref).catch(() => undefined);
      const person = plan && peopleOf(plan).find((p) => p.email === key);
      const roles = person && rolesOf(plan, person.personId);
      if (plan && roles) out.push({ ref, plan, roles });
    }
    return out;
  }

  /** The actor for a cycle page: the plan's person with this address, or a NOT_AUTHORISED refusal. */
  async actorFor(email: string, ref: CycleRef): Promise<{ actor: Actor; plan: Plan; roles: Roles }> {
    const plan = await this.plan(ref);
    const person = peopleOf(plan).find((p) => p.email === email.toLowerCase());
    const roles = person && rolesOf(plan, person.personId);
    if (!person || !roles) throw new AppError('refused', 'NOT_AUTHORISED', `${email} is not named in the ${ref.year} plan of ${ref.unitId}: ask the assessment group to add you to the plan, or sign in with the address the plan names`);
    return { actor: { personId: person.personId, via: 'web' }, plan, roles };
  }
}
