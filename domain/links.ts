/**
 * The web door's pages, as paths: the mails link to them and the web app
 * serves them, so both read the routes from here. A mail carries the token
 * PUBLIC_URL_TOKEN in front of each path; the mail activity replaces it with
 * the deployment's PUBLIC_URL when it sends (workflow code cannot read
 * configuration, and a changed address must not need a workflow change).
 * A link carries no credential: a signed-out person is asked to sign in.
 */
export const PUBLIC_URL_TOKEN = '{{PUBLIC_URL}}';

const seg = (s: string | number) => encodeURIComponent(String(s));

export const pagePath = {
  cycle: (unitId: string, year: number) => `/cycles/${seg(unitId)}/${seg(year)}`,
  office: (unitId: string, year: number, officeId: string) => `${pagePath.cycle(unitId, year)}/offices/${seg(officeId)}`,
  reportForm: (unitId: string, year: number, officeId: string, period: string) => `${pagePath.office(unitId, year, officeId)}/reports/${seg(period)}`,
  approvals: (unitId: string, year: number) => `${pagePath.cycle(unitId, year)}/approvals`,
  review: (unitId: string, year: number) => `${pagePath.cycle(unitId, year)}/review`,
  board: (unitId: string, year: number) => `${pagePath.cycle(unitId, year)}/board`,
  appraisal: (unitId: string, year: number) => `${pagePath.cycle(unitId, year)}/appraisal`,
  /** The performance office's board across the units of its programme. */
  programme: (year: number) => `/programme/${seg(year)}`,
};

/** A link for a mail: the token is replaced by PUBLIC_URL when the mail is sent. */
export function mailLink(path: string): string {
  return `${PUBLIC_URL_TOKEN}${path}`;
}
