/**
 * @module index
 * Public API of @hardline/exposure: the exposure report (what an eavesdropper learns from
 * insecure phone call logs), its parts, and the `hardline exposure` command.
 */
export { ExposureError, ExposureErrorCodes } from './exposureError.ts';
export type { ExposureErrorCode } from './exposureError.ts';
export { Directions, RecordKinds } from './callRecord.ts';
export type { CallRecord, Direction, PartnerKey, ProgressCallback, ReadOptions, ReadSummary, RecordKind, RecordSink } from './callRecord.ts';
export { detectFormat, InputFormats } from './detectFormat.ts';
export type { InputFormat } from './detectFormat.ts';
export { readCsvCallLog, detectCsvLayout, splitCsvLine } from './formats/csvCallLog.ts';
export { readIphoneCallHistory, APPLE_EPOCH_OFFSET_SEC } from './formats/iphoneCallHistory.ts';
export { readAndroidCallLog } from './formats/androidCallLog.ts';
export { readVcardNames, parseVcardNames } from './formats/vcardNames.ts';
export type { NameBook } from './formats/vcardNames.ts';
export { normalisePhoneNumber, createNumberNormaliser, displayPartnerKey } from './phoneNumber.ts';
export { DIAL_PLANS, dialPlanFor } from './phoneCountries.ts';
export type { CountryCode, DialPlan } from './phoneCountries.ts';
export { rankPartners, scoreFactors, SCORE_WEIGHTS, RECENCY_HALF_LIFE_DAYS } from './partnerRanking.ts';
export type { RankedPartner, ScoreFactor, ScoreFactors } from './partnerRanking.ts';
export { findBursts, measureRegularity, DEFAULT_BURST_RULE } from './activityPatterns.ts';
export type { Burst, BurstRule } from './activityPatterns.ts';
export { findInfluencePaths } from './influencePaths.ts';
export type { InfluenceContact, InfluencePath, InfluenceReport, AdviserLink } from './influencePaths.ts';
export { recommend } from './recommendations.ts';
export type { Recommendation, Recommendations } from './recommendations.ts';
export { buildExposureReport, DEFAULT_COUNTRY } from './exposureReport.ts';
export type { ExposureOptions, ExposureReport, PersonReport } from './exposureReport.ts';
export { parseLogArgument } from './logArgument.ts';
export type { LogArgument } from './logArgument.ts';
export { renderTerminalTable } from './render/terminalTable.ts';
export { renderJsonReport } from './render/jsonReport.ts';
export { renderHtmlReport, writeHtmlReport } from './render/htmlReport.ts';
export { writePrivateFile, PRIVATE_FILE_MODE } from './privateFile.ts';
export { runExposureCommand, EXPOSURE_USAGE } from './cli.ts';
export type { CommandIo } from './cli.ts';
