/**
 * Bounded memos of pure results under pure keys. The domain is preloaded, so a memo is shared by every
 * workflow on a worker thread: a result never depends on who asked first. A value that throws is not
 * remembered. Past `limit` entries the memo starts afresh (a worker's plans, zones and local times are few).
 */
export function remembered<V>(memo: Map<string, V>, key: string, compute: () => V, limit = 5000): V {
  const known = memo.get(key);
  if (known !== undefined) return known;
  const value = compute();
  if (memo.size >= limit) memo.clear();
  memo.set(key, value);
  return value;
}
