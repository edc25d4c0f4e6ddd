/**
 * 5. profile and 6. tuning: the dispatch at BENCH_TUNING_N under --cpu-prof, then with one lever
 * changed at a time (WorkerOptions, SMTP pool size, TCP_NODELAY off, the sticky-cache size, bundles,
 * the ledger on tmpfs), each as a before/after ratio against the product defaults at the same N.
 */
import { CONFIG, left } from './config';
import { runDispatch } from './dispatchRun';
import { unboundedSpec, type DispatchContext, type DispatchResult, type DispatchSpec } from './dispatchTypes';
import { checkContention, fmt, fmtRatio, results, row, warnings } from './report';

/** `reserveMs`: time kept for what runs after (the memory section), out of the budget these optional runs may use. */
export async function profileSection(ctx: DispatchContext, reserveMs = 0) {
  const tn = CONFIG.tuningN;
  if (left() - reserveMs < 90_000) warnings.push('profile: skipped to stay within the time budget');
  else {
    checkContention('profile');
    const prof = await runDispatch(ctx, { label: 'cycle --cpu-prof', mode: 'cycle', n: tn, cpuProf: true });
    results.profile = { n: tn, run: prof, note: 'self time of the worker process threads during [dispatch instant, last e-mail]; --cpu-prof slows the worker, so its timings are not used in ratios' };
    if (prof.ok && prof.profile) {
      for (const p of prof.profile) {
        const cats = p.byCategory.slice(0, 6).map((c) => `${c.category} ${c.pctOfBusy}%`).join(', ');
        row('5 profile', `dispatch, worker ${p.thread}: busy ${fmt(p.busyMs / 1000, 2)} s of ${fmt(p.sampledMs / 1000, 2)} s (${fmt(p.busyMs / tn, 1)} ms/cycle)`, cats, '', NaN, p.topFunctions.slice(0, 3).map((f) => `${f.fn} ${f.pctOfBusy}%`).join('; '));
      }
      for (const p of prof.profileStartPhase ?? []) {
        const cats = p.byCategory.slice(0, 6).map((c) => `${c.category} ${c.pctOfBusy}%`).join(', ');
        row('5 profile', `start phase (first WFT of ${tn} new cycles), worker ${p.thread}: busy ${fmt(p.busyMs / tn, 1)} ms/cycle`, cats, '', NaN, p.topFunctions.slice(0, 3).map((f) => `${f.fn} ${f.pctOfBusy}%`).join('; '));
      }
    }
  }
}

export async function tuningSection(ctx: DispatchContext, before: DispatchResult | undefined, reserveMs = 0) {
  const tn = CONFIG.tuningN;
  checkContention('tuning');
  const variants: (DispatchSpec & { family: string })[] = [
    { family: 'smtp', label: 'SMTP_MAX_CONNECTIONS=16', mode: 'cycle', n: tn, smtpMax: 16 },
    { family: 'nodelay', label: 'without TCP_NODELAY on the SMTP sockets (before round two)', mode: 'cycle', n: tn, smtpNoDelay: false },
    { family: 'repeat', label: 'defaults (repeat, for noise)', mode: 'cycle', n: tn },
    { family: 'malloc', label: 'MALLOC_ARENA_MAX=2 (memory for CPU)', mode: 'cycle', n: tn, mallocArenas: 2 },
    { family: 'store', label: 'sent ledger in PostgreSQL (DATABASE_URL)', mode: 'cycle', n: tn, ledger: 'postgres' },
    { family: 'store', label: 'file ledger (before the store)', mode: 'cycle', n: tn, ledger: 'file' },
    { family: 'ledger', label: 'file ledger on tmpfs (fsync cost, experiment)', mode: 'cycle', n: tn, ledgerTmpfs: true },
    { family: 'bundle', label: 'pre-built workflow bundle', mode: 'cycle', n: tn, prebuilt: true },
    { family: 'preload', label: 'without preloadModules (zod, luxon, domain, workflows in every run: before)', mode: 'cycle', n: tn, noPreload: true },
    { family: 'wft', label: 'maxConcurrentWorkflowTaskExecutions=200', mode: 'cycle', n: tn, tuning: { maxConcurrentWorkflowTaskExecutions: 200 } },
    { family: 'act', label: 'maxConcurrentActivityTaskExecutions=400', mode: 'cycle', n: tn, tuning: { maxConcurrentActivityTaskExecutions: 400 } },
    // `sdk` is the worker unbounded, as before round seven: the SDK sizes its cache and V8 its heaps' growth.
    ...CONFIG.cacheSizes.map((size) =>
      size === 'sdk'
        ? { family: 'cache', ...unboundedSpec(tn) }
        : { family: 'cache', label: `maxCachedWorkflows=${size}`, mode: 'cycle' as const, n: tn, maxCachedWorkflows: size },
    ),
    ...CONFIG.workflowHeaps.map((mib) => ({ family: 'wfheap', label: `WORKER_WORKFLOW_HEAP_MIB=${mib}${mib ? '' : " (V8's own)"}`, mode: 'cycle' as const, n: tn, workflowHeapMiB: mib })),
    { family: 'smtp', label: 'SMTP_MAX_CONNECTIONS=1', mode: 'cycle', n: tn, smtpMax: 1 },
    ...CONFIG.heapVariants.map((v) => ({
      family: 'heap',
      label: `${v.v8Flags.join(' ')}${v.cache !== undefined ? `, maxCachedWorkflows=${v.cache}` : ''}`,
      mode: 'cycle' as const,
      n: tn,
      nodeOptions: v.v8Flags,
      // Exactly the flags given: the product's WORKER_HEAP_GROWING_PERCENT would override a --heap-growing-percent.
      heapGrowingPercent: 0,
      workflowHeapMiB: 0,
      ...(v.cache !== undefined ? { maxCachedWorkflows: v.cache } : {}),
    })),
  ];
  const tried: { family: string; spec: DispatchSpec; r: DispatchResult }[] = [];
  let reference = before;
  const families = CONFIG.tuningOnly;
  for (const v of variants.filter((x) => !families || families.includes(x.family))) {
    const per = tried.length ? tried[tried.length - 1].r.experimentMs : (before?.experimentMs ?? 40_000);
    if (per * 1.2 > left() - reserveMs) {
      warnings.push(`tuning: "${v.label}" and later variants skipped to stay within the time budget (${fmt(left() / 1000, 0)} s left, ${fmt(reserveMs / 1000, 0)} s of it kept for the memory section)`);
      break;
    }
    const r = await runDispatch(ctx, v);
    tried.push({ family: v.family, spec: v, r });
    if (!reference && v.family === 'repeat' && r.ok) reference = r;
  }
  // The best of each family together, where it beat the defaults by more than 20% (run-to-run noise here is ~10-15%).
  if (reference && tried.length) {
    const combined: DispatchSpec = { label: 'combined best', mode: 'cycle', n: tn, tuning: {} };
    const picked: string[] = [];
    for (const fam of ['smtp', 'act', 'wft', 'cache']) {
      const best = tried.filter((t) => t.family === fam && t.r.ok).sort((a, b) => a.r.dispatchMs! - b.r.dispatchMs!)[0];
      if (!best || best.r.dispatchMs! > 0.8 * reference.dispatchMs!) continue;
      picked.push(best.spec.label);
      if (best.spec.smtpMax !== undefined) combined.smtpMax = best.spec.smtpMax;
      if (best.spec.maxCachedWorkflows !== undefined) combined.maxCachedWorkflows = best.spec.maxCachedWorkflows;
      if (best.spec.heapGrowingPercent !== undefined) combined.heapGrowingPercent = best.spec.heapGrowingPercent;
      if (best.spec.workflowHeapMiB !== undefined) combined.workflowHeapMiB = best.spec.workflowHeapMiB;
      Object.assign(combined.tuning!, best.spec.tuning);
    }
    if (picked.length > 1 && left() - reserveMs > 60_000) {
      combined.label = `combined: ${picked.join(' + ')} + pre-built bundle`;
      combined.prebuilt = true;
      const r = await runDispatch(ctx, combined);
      tried.push({ family: 'combined', spec: combined, r });
    }
  }
  results.tuning = { n: tn, before: before ?? reference, variants: tried.map((t) => t.r) };
  if (reference?.ok) {
    const s = '6 tuning';
    row(s, `N=${tn} before: product defaults (${reference === before ? 'from the scale run' : 'the repeat run'})`, `${fmt(reference.dispatchMs! / 1000, 2)} s`, '', NaN, `start-phase worker CPU ${reference.startPhaseCpuMsPerCycle!.worker} ms/cycle, worker ready ${reference.workerReadyMs} ms, RSS peak ${fmt(reference.workerPeakRssMiB!, 0)} MiB, CPU in window ${reference.cpuSecondsInWindow!.total} s`);
    for (const t of tried) {
      const r = t.r;
      if (!r.ok) {
        row(s, r.label, 'FAILED', '', NaN, r.error);
        continue;
      }
      row(
        s,
        r.label,
        `${fmt(r.dispatchMs! / 1000, 2)} s, ${fmt(r.mailsPerSec!, 0)} mails/s`,
        `${fmt(reference.dispatchMs! / 1000, 2)} s`,
        r.dispatchMs! / reference.dispatchMs!,
        `start-phase worker CPU ${r.startPhaseCpuMsPerCycle!.worker} ms/cycle (${fmtRatio(r.startPhaseCpuMsPerCycle!.worker / reference.startPhaseCpuMsPerCycle!.worker)}), ready ${r.workerReadyMs} ms (${fmtRatio(r.workerReadyMs! / reference.workerReadyMs!)}), RSS peak ${fmt(r.workerPeakRssMiB!, 0)} MiB (${fmtRatio(r.workerPeakRssMiB! / reference.workerPeakRssMiB!)}), CPU ${r.cpuSecondsInWindow!.total} s (${fmtRatio(r.cpuSecondsInWindow!.total / reference.cpuSecondsInWindow!.total)})`,
      );
    }
  }
}
