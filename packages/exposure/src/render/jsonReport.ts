/**
 * @module jsonReport
 * The report as one JSON object for other tools. Times stay epoch milliseconds (`…Ms` fields,
 * UTC); the report's own timestamps are repeated as ISO strings for readers by eye.
 */
import type { ExposureReport } from '../exposureReport.ts';

export const JSON_REPORT_VERSION = 1;

export function renderJsonReport(report: ExposureReport): string {
  return `${JSON.stringify({
    version: JSON_REPORT_VERSION,
    asOf: new Date(report.asOfMs).toISOString(),
    generatedAt: new Date(report.generatedAtMs).toISOString(),
    ...report,
  })}\n`;
}
