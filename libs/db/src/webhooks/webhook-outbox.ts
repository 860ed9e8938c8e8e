import type { ReportTransition } from '../reports/report-transitions';

/** The webhook event each final transition of a report emits. */
const TRANSITION_EVENTS = {
  complete: 'report.completed',
  fail: 'report.failed',
  cancel: 'report.cancelled',
} as const satisfies Partial<Record<ReportTransition, string>>;

export function transitionEvent(transition: ReportTransition): string | undefined {
  return (TRANSITION_EVENTS as Partial<Record<ReportTransition, string>>)[transition];
}

/**
 * The `webhook-id` of a message: derived from (event, report, target), so a message written twice
 * is one row, its job one job, and a receiver sees one id on every attempt and every duplicate.
 */
function messageIdSql(event: string, reportId: string, endpointId: string): string {
  return `'msg_' || left(encode(sha256(convert_to(${event} || ':' || ${reportId} || ':' || coalesce(${endpointId}, 'callback'), 'UTF8')), 'hex'), 32)`;
}

/**
 * A data-modifying CTE to append to a report's status change: one outbox row per endpoint of the
 * report's owner subscribed to `event`, and one for the report's own callback_url. Run in the
 * same statement as the UPDATE (`changed` must RETURN "id" and "owner"), so the event exists
 * exactly when the new status does: no crash can commit one without the other. Endpoints belong
 * to an owner (null with API_AUTH=off) and hear about that owner's reports only.
 */
export function outboxInsertCte(changed: string, eventParameter: string): string {
  return `outbox AS (
    INSERT INTO "webhook_messages" ("id", "report_id", "event", "endpoint_id")
    SELECT ${messageIdSql(eventParameter, 'c."id"', 'e."id"')}, c."id", ${eventParameter}, e."id"
      FROM ${changed} c JOIN "webhook_endpoints" e ON e."owner" IS NOT DISTINCT FROM c."owner" AND ${eventParameter} = ANY(e."events")
    UNION ALL
    SELECT ${messageIdSql(eventParameter, 'c."id"', 'NULL')}, c."id", ${eventParameter}, NULL
      FROM ${changed} c JOIN "report_callbacks" cb ON cb."report_id" = c."id"
    ON CONFLICT ("id") DO NOTHING)`;
}
