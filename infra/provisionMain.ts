/** `npm run provision`: find or obtain both Temporal servers and say which route worked. */
import { provision, type ServerRole } from './provision';

async function main() {
  const roles = (process.argv.slice(2).filter((a) => a === 'dev' || a === 'test') as ServerRole[]) || [];
  for (const role of roles.length ? roles : (['dev', 'test'] as ServerRole[])) {
    const rec = await provision(role, (s) => console.log(`  [provision ${role}] ${s}`));
    console.log(`Temporal ${role === 'dev' ? 'dev server ' : 'test server'}: route=${rec.route} ${rec.path ?? ''} (${rec.version}) in ${rec.seconds.toFixed(1)} s`);
  }
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
