/**
 * The people's door: a web app for the offices, the group leader and the
 * bureau, signed in by e-mail link. Pages are rendered on the server; there
 * is no script at all, so the CSP forbids every script. The web only
 * authenticates: each action goes to the app layer with the signed-in person
 * as actor, and the workflow decides whether that person may do it.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import { AppError } from '../app/errors';
import { LIMITS } from '../domain/actions';
import { createWeb, type WebOptions } from './context';
import { errorPage, handleError } from './errors';
import { appraisalRoutes } from './routes/appraisal';
import { approvalsRoutes } from './routes/approvals';
import { boardRoutes } from './routes/board';
import { evidenceRoutes } from './routes/evidence';
import { programmeRoutes } from './routes/programme';
import { homeRoutes } from './routes/home';
import { officeRoutes } from './routes/office';
import { reportFormRoutes } from './routes/reportForm';
import { valuesWorkbookRoutes } from './routes/valuesWorkbook';
import { reviewRoutes } from './routes/review';
import { signInRoutes } from './routes/signIn';
import { CSS } from './style';

export type { WebOptions } from './context';

export interface WebServerOptions extends WebOptions {
  /** Requests per client per minute, all pages together (default 600). */
  requestsPerMinute?: number;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (for the per-client limits). */
  trustProxy?: boolean;
}

export async function createWebServer(opts: WebServerOptions): Promise<FastifyInstance> {
  const web = createWeb(opts);
  const f = Fastify({ logger: opts.logger ?? false, trustProxy: opts.trustProxy ?? false, bodyLimit: 512 * 1024 });
  await f.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(web.secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: web.secure ? undefined : false,
  });
  await f.register(rateLimit, { max: opts.requestsPerMinute ?? 600, timeWindow: 60_000 });
  await f.register(formbody, { bodyLimit: 512 * 1024 });
  await f.register(multipart, {
    limits: { fileSize: LIMITS.evidenceBytes, files: LIMITS.evidencePerReport, fields: LIMITS.valuesPerReport + 10, fieldSize: LIMITS.narrativeChars * 4, parts: LIMITS.valuesPerReport + LIMITS.evidencePerReport + 10 },
  });

  f.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/static/')) req.session = await web.sessions.read(req);
  });
  f.setErrorHandler(handleError);
  f.setNotFoundHandler((req, reply) => errorPage(req, reply, new AppError('notFound', 'BAD_INPUT', `there is no page at ${req.url.slice(0, 200)}: open the home page`)));

  f.get('/static/app.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS));
  f.get('/healthz', async () => 'ok\n');
  // Browsers ask for it on every page; there is none, and "no content" keeps their consoles clean.
  f.get('/favicon.ico', async (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());

  signInRoutes(f, web);
  homeRoutes(f, web);
  programmeRoutes(f, web);
  officeRoutes(f, web);
  reportFormRoutes(f, web);
  valuesWorkbookRoutes(f, web);
  approvalsRoutes(f, web);
  reviewRoutes(f, web);
  boardRoutes(f, web);
  appraisalRoutes(f, web);
  evidenceRoutes(f, web);
  return f;
}
