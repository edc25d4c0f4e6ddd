/**
 * A real PostgreSQL for a test suite: one throwaway cluster per suite (per
 * jest file), a fresh database per call, stopped in afterAll. When it cannot
 * be had the suite fails, saying how to fix it: it is never skipped.
 */
import { startPgCluster, type PgCluster } from '../../infra/postgres';

export interface PgForSuite {
  /** A new, empty database on the suite's cluster. */
  freshDatabase(): Promise<string>;
  cluster(): PgCluster;
}

export function usePostgres(): PgForSuite {
  let cluster: PgCluster | undefined;
  let failure: Error | undefined;
  let n = 0;
  beforeAll(async () => {
    try {
      cluster = await startPgCluster();
    } catch (e) {
      failure = e as Error;
    }
  }, 600_000);
  afterAll(() => cluster?.stop());
  const get = () => {
    if (!cluster) throw new Error(`no PostgreSQL for this test: ${failure?.message ?? 'the cluster did not start'}`);
    return cluster;
  };
  return {
    cluster: get,
    freshDatabase: () => get().createDatabase(`t${process.pid}_${++n}`),
  };
}
