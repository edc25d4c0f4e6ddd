/**
 * 绩效办的考核方案: the performance office that oversees many units' cycles, the
 * people in it, the units it ranks, and who receives its circular (通报).
 */
import { z } from 'zod';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, e.g. "yiyang-st-bureau"');
const bilingual = z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) }).strict();
const email = z.string().email('is not a valid e-mail address (expected name@example.org)');

export const programmeSchema = z
  .object({
    schemaVersion: z.literal(1),
    /** 绩效办: the office that runs the programme. */
    office: z.object({ id, name: bilingual }).strict(),
    people: z.array(z.object({ personId: id, name: z.string().min(1).max(100), role: z.string().min(1).max(100), email }).strict()).min(1, 'list at least one person of the performance office'),
    /** The units whose cycles are ranked (their cycles are found by unit id and year). */
    units: z.array(id).min(1, 'list at least one unit id').max(1000),
    circular: z
      .object({
        /** personIds from `people`, or plain addresses of other recipients. */
        recipients: z.array(z.union([id, email])).min(1, 'the circular needs at least one recipient'),
        /** The sender's address (default: MAIL_FROM). */
        from: email.optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const people = new Set(p.people.map((x) => x.personId));
    p.circular.recipients.forEach((r, i) => {
      if (!r.includes('@') && !people.has(r)) ctx.addIssue({ code: 'custom', path: ['circular', 'recipients', i], message: `"${r}" is neither a person of the programme nor an e-mail address` });
    });
    const seen = new Set<string>();
    p.units.forEach((u, i) => {
      if (seen.has(u)) ctx.addIssue({ code: 'custom', path: ['units', i], message: `unit "${u}" is listed twice` });
      seen.add(u);
    });
  });
export type Programme = z.infer<typeof programmeSchema>;

/** The circular's addresses: people by their e-mail, plain addresses as given. */
export function circularRecipients(p: Programme): string[] {
  const byId = new Map(p.people.map((x) => [x.personId, x.email]));
  return p.circular.recipients.map((r) => byId.get(r) ?? r);
}
