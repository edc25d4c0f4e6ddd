/**
 * Time-zone aware conversions between instants (epoch ms) and the plan's local
 * dates. Pure: luxon with an explicit zone, never the host's zone or clock.
 */
import { DateTime, IANAZone } from 'luxon';
import { remembered } from './memo';

/**
 * Luxon answers by building an Intl formatter for the zone, at every call (about 0.1 ms and an ICU
 * object to collect): a cycle's first task checks its plan's zone, so it is remembered.
 */
const validZoneMemo = new Map<string, boolean>();

export function isValidIanaZone(zone: string): boolean {
  return remembered(validZoneMemo, zone, () => IANAZone.isValidZone(zone));
}

/**
 * Parsing a local time is luxon's slowest path (an Intl formatter per zone offset), and a cycle asks
 * for the same few dozen instants again and again: they are remembered, per zone and local time.
 */
const localToEpochMemo = new Map<string, number>();

/** The instant of local date `isoDate` at `hhmm` in `zone`. */
export function localToEpoch(isoDate: string, hhmm: string, zone: string): number {
  return remembered(localToEpochMemo, `${isoDate}T${hhmm}@${zone}`, () => {
    const dt = DateTime.fromISO(`${isoDate}T${hhmm}`, { zone });
    if (!dt.isValid) throw new Error(`invalid local time ${isoDate}T${hhmm} in ${zone}: ${dt.invalidExplanation}`);
    return dt.toMillis();
  });
}

/** The local calendar date (YYYY-MM-DD) of an instant in `zone`. */
export function epochToLocalDate(epochMs: number, zone: string): string {
  return DateTime.fromMillis(epochMs, { zone }).toISODate() as string;
}

/** An instant written in the plan's zone, e.g. 2013-03-29T09:00+08:00. */
export function formatLocal(epochMs: number, zone: string): string {
  return DateTime.fromMillis(epochMs, { zone }).toISO({ suppressMilliseconds: true, suppressSeconds: true }) as string;
}

/** A short human form, e.g. "2013-03-29 09:00". */
export function formatLocalShort(epochMs: number, zone: string): string {
  return DateTime.fromMillis(epochMs, { zone }).toFormat('yyyy-LL-dd HH:mm');
}

export function localYearMonth(epochMs: number, zone: string): { year: number; month: number } {
  const dt = DateTime.fromMillis(epochMs, { zone });
  return { year: dt.year, month: dt.month };
}
