/** The figures of a plan that an import must reproduce: per target its measure, window, offices and points. */
import type { PlanFile } from '../../domain/plan';

export function figures(plan: Pick<PlanFile, 'categories' | 'totalPoints' | 'year'>) {
  return {
    year: plan.year,
    totalPoints: plan.totalPoints,
    categories: plan.categories.map((c) => ({
      zh: c.name.zh,
      points: c.points,
      indicators: c.indicators.map((i) => ({
        zh: i.name.zh,
        points: i.points,
        targets: i.targets.map((t) => ({
          id: t.id,
          measure: { kind: t.measure.kind, atLeast: 'atLeast' in t.measure ? t.measure.atLeast : null, unit: 'unit' in t.measure ? t.measure.unit.zh : null },
          window: [t.window.startMonth, t.window.endMonth],
          offices: [t.offices.lead, ...t.offices.coOwners],
          points: t.points,
        })),
      })),
    })),
  };
}
