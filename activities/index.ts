/**
 * All activities, built from injected dependencies (mail transport, ledger,
 * folders), so tests pass real local servers or fakes without module mocking.
 */
import { createMailActivities, type MailDeps } from './mail';
import { createReportActivities, type ReportDeps } from './report';

export type ActivityDeps = MailDeps & ReportDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createMailActivities(deps), ...createReportActivities(deps) };
}

export { FileLedger, StoreLedger, type SentLedger } from './ledger';
export { createMailActivities, isPermanentSmtpError, type MailTransport } from './mail';
