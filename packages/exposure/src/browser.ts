/**
 * @module browser
 * The browser's entry to @hardline/exposure (`@hardline/exposure/browser`): the analysis and
 * its plain-data report, without the file, SQLite and terminal parts that only Node has.
 */
export { analyseLogFiles, BROWSER_DEFAULT_COUNTRY } from './browserReport.ts';
export type { BrowserExposureOptions, LogFile, LogFileGroup } from './browserReport.ts';
export type { ExposureReport, PersonReport } from './circleReport.ts';
export type { RankedPartner } from './partnerRanking.ts';
export type { InfluenceContact, InfluencePath } from './influencePaths.ts';
export type { Recommendation } from './recommendations.ts';
export { ExposureError } from './exposureError.ts';
export { displayPartnerKey } from './phoneNumber.ts';
export { briefFirst } from './briefFirst.ts';
export type { BriefingTarget } from './briefFirst.ts';
export { formatDate, formatTalkTime, partnerLabel } from './render/formatting.ts';
