/** Evidence downloads: only for a person who may read a report that references the file, always as an attachment. */
import type { FastifyInstance } from 'fastify';
import { evidenceReadable } from '../../app/actions/groupView';
import { AppError, badInput } from '../../app/errors';
import { cycleRefOf, requireSession, type Web } from '../context';

/** RFC 5987: the original (possibly Chinese) name, plus a plain ASCII fallback. */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function evidenceRoutes(f: FastifyInstance, web: Web) {
  f.get('/evidence/:sha256', async (req, reply) => {
    const s = requireSession(req, reply);
    if (!s) return reply;
    const sha = (req.params as { sha256: string }).sha256;
    if (!/^[0-9a-f]{64}$/.test(sha)) throw badInput('the address does not name an evidence file (a SHA-256): open it from a report');
    const q = req.query as { unit?: string; year?: string };
    const ref = cycleRefOf({ unit: q.unit, year: q.year });
    const { actor } = await web.directory.actorFor(s.email, ref);
    const denied = new AppError('refused', 'NOT_AUTHORISED', 'this evidence file belongs to no report you may read: open it from your office page or the approvals page');
    if (!(await evidenceReadable(web.app, actor, ref, sha))) throw denied;
    const got = await web.app.evidence?.get(sha);
    if (!got) throw new AppError('notFound', 'NO_SUCH_CYCLE', 'the evidence file is referenced but its bytes are missing from the store: tell the operator');
    return reply
      .header('content-disposition', disposition(got.meta.name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "sandbox; default-src 'none'")
      .type('application/octet-stream')
      .send(got.bytes);
  });
}
